"""nbpress: a static blog generator for posts whose code runs at build time."""

__version__ = "0.1.0"
