"""Build this blog: ``python build.py`` (see README.md). A thin entry point to nbpress."""

from pathlib import Path

from nbpress.cli import run

if __name__ == "__main__":
    run(default_root=Path(__file__).resolve().parent)
