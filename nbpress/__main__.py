"""``python -m nbpress``: the same command line as build.py, rooted at the current folder."""

from .cli import run

run(prog="python -m nbpress")
