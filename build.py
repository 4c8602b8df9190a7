"""Build this blog: ``python build.py`` (see README.md). A thin entry point to nbpress."""

import sys
from pathlib import Path

from nbpress.cli import main

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))
