"""The command line: parse arguments, call the pipeline, print results, set the exit code.

Exit status: 0 success, 1 build error (message on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import load_config
from .errors import NbpressError
from .pipeline import BuildFailed, build


def _parser(default_root: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py",
                                     description="Build a blog whose posts' code runs at build time.")
    commands = parser.add_subparsers(dest="command")
    b = commands.add_parser("build", help="build the site into _site/ (the default)")
    b.add_argument("--root", type=Path, default=default_root,
                   help="site root holding posts/ (default: %(default)s)")
    b.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/_site)")
    b.add_argument("--drafts", action="store_true", help="include draft and unpublished posts")
    b.add_argument("--keep-going", action="store_true",
                   help="build every post and report all failures at the end")
    return parser


def main(argv: list[str] | None = None, *, default_root: Path | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")  # `python build.py` is `python build.py build`
    args = _parser(default_root or Path.cwd()).parse_args(argv)
    try:
        config = load_config(args.root, out=args.out, drafts=args.drafts,
                             keep_going=args.keep_going)
        if not (config.root / "posts").is_dir():
            raise NbpressError(f"there is no posts/ folder in {config.root}.",
                               hint="Pass --root with the folder that holds posts/.")
        report = build(config)
    except BuildFailed as exc:
        for error in exc.errors:
            print(f"error: {error}\n", file=sys.stderr)
        print(f"{len(exc.errors)} post(s) failed; the previous site was left as it was.",
              file=sys.stderr)
        return 1
    except NbpressError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous site was left as it was.", file=sys.stderr)
        return 130
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    print(f"built {len(report.posts)} post(s) into {config.out} in {report.seconds:.1f} s",
          file=sys.stderr)
    return 0
