"""``python -m nbpress``: the same command line as build.py, rooted at the current folder."""

import sys

from .cli import main

sys.exit(main(prog="python -m nbpress"))
