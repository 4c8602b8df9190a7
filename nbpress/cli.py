"""The command line: parse arguments, call the pipeline or the server, print, set the exit code.

Exit status: 0 success, 1 build error (message on stderr), 2 usage error,
130 interrupted.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .config import load_config
from .errors import BuildFailed, NbpressError
from .model import SITE_MARKER, SiteConfig
from .preflight import check_out


def _site_options(parser: Any,
                  default_root: Path) -> None:
    parser.add_argument("--root", type=Path, default=default_root,
                        help="site root holding posts/ (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: ROOT/_site)")
    parser.add_argument("--drafts", action="store_true",
                        help="include draft and unpublished posts")
    parser.add_argument("--future", action="store_true",
                        help="include posts dated after now (Jekyll's --future)")


def _run_options(parser: Any) -> None:
    parser.add_argument("--execute", choices=("auto", "never", "always"), default="auto",
                        dest="mode", help="auto: run posts whose cached run is stale (default); "
                        "never: fail if any is stale; always: run every post")
    parser.add_argument("--refresh", action="append", default=[], metavar="POST",
                        help="run this post even if its cached run is fresh (stem or path; "
                        "repeatable)")
    parser.add_argument("--jobs", "-j", type=int, default=0,
                        help="kernels running at once (default: the number of cores + 1)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="run the posts on a Dask cluster: tcp://host:8786, or local:N for "
                        "N local worker processes (needs nbpress[dask]; see docs/cluster.md)")


def _debug_option(parser: Any) -> None:
    parser.add_argument("--debug", action="store_true",
                        help="show nbpress's own traceback when something fails")


def _build_options(parser: Any,
                   default_root: Path) -> None:
    _site_options(parser, default_root)
    _debug_option(parser)
    _run_options(parser)
    parser.add_argument("--format", choices=("site", "jekyll"), default="site",
                        dest="output_format", help="site: a complete site (default); jekyll: "
                        "only the executed posts, written into the Jekyll site given as --out")
    parser.add_argument("--keep-going", action="store_true",
                        help="build every post and report all failures at the end")
    parser.add_argument("--explain", action="store_true",
                        help="say for each post whether it would run, and why; build nothing")


def _parser(default_root: Path, prog: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, usage="%(prog)s [build] [build options]\n       %(prog)s "
        "{check,serve,new,import} [options]  (%(prog)s COMMAND -h: its options)",
        description="Build a blog whose posts' code runs at build time. Without a command, "
        "builds the site (the options below are build's).")
    parser.add_argument("--version", action="version", version=f"nbpress {__version__}")
    # Listed here too because `PROG --drafts` means `PROG build --drafts` (see main).
    _build_options(parser.add_argument_group("build options"), default_root)
    commands = parser.add_subparsers(dest="command", title="commands", prog=parser.prog)
    _build_options(commands.add_parser("build", help="build the site into _site/ (the default)"),
                   default_root)
    c = commands.add_parser("check", help="check the built site: links, anchors, images, "
                                          "leftover Liquid")
    c.add_argument("--root", type=Path, default=default_root, help="site root (default: %(default)s)")
    c.add_argument("--out", type=Path, default=None, help="built site (default: ROOT/_site)")
    s = commands.add_parser("serve", help="build, serve on localhost, rebuild and reload on "
                                          "changes")
    _site_options(s, default_root)
    _run_options(s)
    s.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    s.add_argument("--port", type=int, default=8000, help="port (default: %(default)s; 0: any)")
    n = commands.add_parser("new", help="create a new blog in DIR: settings, an example post, "
                                        ".gitignore, the GitHub Pages workflow, a README")
    n.add_argument("dir", type=Path, metavar="DIR", help="the blog's folder (new or empty)")
    n.add_argument("--force", action="store_true",
                   help="write into a folder that is not empty (existing files are kept)")
    i = commands.add_parser("import", help="turn a Jekyll blog into a new nbpress site "
                                           "(posts, pages, settings, exported outputs)")
    i.add_argument("source", type=Path, metavar="JEKYLL_SITE", help="the Jekyll blog's folder")
    i.add_argument("--to", type=Path, required=True, metavar="NEW_ROOT",
                   help="the new site's folder (must not exist)")
    for sub in (c, s, n, i):
        _debug_option(sub)
    return parser


def _config(args: argparse.Namespace) -> SiteConfig:
    config = load_config(args.root, out=args.out, drafts=args.drafts, future=args.future,
                         keep_going=getattr(args, "keep_going", False), mode=args.mode,
                         refresh=tuple(args.refresh), jobs=max(0, args.jobs),
                         output_format=getattr(args, "output_format", "site"),
                         scheduler=args.scheduler)
    if not (config.root / "posts").is_dir():
        raise NbpressError(f"there is no posts/ folder in {config.root}.",
                           hint="Run it in the blog's folder or pass --root with the folder "
                                "that holds posts/; `nbpress new DIR` starts a new blog.")
    check_out(config)  # before any post runs, not after
    return config


def _build(config: SiteConfig, explain: bool = False) -> int:
    from .gcpolicy import collecting

    with collecting(False):  # nor while the stages are imported (≈20 runs, 0.03 s)
        return _build_now(config, explain)


def _build_now(config: SiteConfig, explain: bool) -> int:
    from .noop import fingerprint, up_to_date

    found = fingerprint(config)  # taken once: the build gets it
    report = None if explain else up_to_date(config, found)  # before the pipeline is imported
    if report is not None:
        print(f"{config.out} is up to date ({report.seconds:.2f} s)", file=sys.stderr)
        return 0
    from .pipeline import build

    _quiet_asyncio()
    try:
        report = build(config, explain=explain, fingerprint=found)
    except BuildFailed as exc:
        for error in exc.errors:
            print(f"error: {error}\n", file=sys.stderr)
        # a post can have several errors (every Liquid mistake in it): count the files
        failed = len({e.location.path or id(e) for e in exc.errors})
        print(f"{failed} post(s) failed; the previous site was left as it was.", file=sys.stderr)
        return 1
    for warning in report.warnings:
        print(warning, file=sys.stderr)
    if explain:
        return 0
    if report.up_to_date:
        print(f"{config.out} is up to date ({report.seconds:.2f} s)", file=sys.stderr)
        return 0
    for line in report.lines:
        print(line, file=sys.stderr)
    print(f"built {len(report.posts)} post(s) into {config.out} in {report.seconds:.1f} s",
          file=sys.stderr)
    return 0


def _quiet_asyncio() -> None:
    """nbclient leaves a pending task behind after a cell timeout; asyncio would print it."""
    import logging

    logging.getLogger("asyncio").setLevel(logging.CRITICAL)


def _serve(config: SiteConfig, args: argparse.Namespace) -> int:
    from .memo import Memo
    from .pipeline import build
    from .search import Reindexer

    _quiet_asyncio()
    from .server import bind, guarded, serve

    server = bind(config.out, config.baseurl, args.host, args.port)  # a taken port: said now
    memo = Memo()  # what earlier builds read, so that an edit reads only what changed
    search = Reindexer(config.out, config.root,
                       lambda exc: print(f"error: {exc}", file=sys.stderr))
    pending = []  # whether the last build left the search index behind

    def rebuild() -> str:
        """Build; "" on success, else the errors to show in the browser."""
        search.wait()  # the index being brought up to date holds the build lock
        # The cycle collector would walk every object the memo holds, a tenth of a second at
        # 2,000 posts, in the middle of the build: it runs after the reload instead.
        gc.disable()
        try:
            report = build(config, memo=memo, search_later=True)
        except BuildFailed as exc:
            return "\n\n".join(map(str, exc.errors))
        except NbpressError as exc:
            return str(exc)
        finally:
            gc.enable()
        for warning in report.warnings:
            print(warning, file=sys.stderr)
        pending[:] = [True] if report.search_pending else []
        return ""

    def after_reload() -> None:
        """The build's garbage collected, and the search index brought up to date in the
        background, once pages reloaded."""
        gc.collect()
        if pending:
            pending.clear()
            search.request()

    error = guarded(rebuild)()
    if error:
        print(f"error: {error}", file=sys.stderr)
    after_reload()  # no page is open yet
    watch = [config.root] + [d for d in config.theme_dirs if d != config.root]
    serve(site=config.out, baseurl=config.baseurl, host=args.host, port=args.port, watch=watch,
          root=config.root, rebuild=rebuild, initial_error=error, server=server,
          after_reload=after_reload)
    search.wait(timeout=120)  # an index being written is finished, not left half-made
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM stops like Ctrl-C: kernels killed, site untouched


def main(argv: list[str] | None = None, *, default_root: Path | None = None,
         prog: str | None = None) -> int:
    """Run the command line; returns the exit status.

    ``prog`` is the name usage messages give the program (argparse's default, the
    script's file name, is right for ``build.py`` and ``nbpress`` but not ``python -m``).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv.insert(0, "build")  # `python build.py` is `python build.py build`
    args = _parser(default_root or Path.cwd(), prog).parse_args(argv)
    if args.command != "build":
        gc.enable()  # (``run`` left it off for a build)
    signal.signal(signal.SIGTERM, _interrupt)
    site = _site_folder(args)
    before = _marker(site)
    try:
        if args.command == "new":
            from .new import create, summary

            print(summary(create(args.dir, force=args.force)))
            return 0
        if args.command == "import":
            from .importer import run

            return run(args.source, args.to, sys.stdout)
        if args.command == "check":
            from .check import report

            config = load_config(args.root, out=args.out)
            return report(config.out, config.baseurl, sys.stdout)
        config = _config(args)
        if args.command == "serve":
            return _serve(config, args)
        return _build(config, explain=args.explain)
    except NbpressError as exc:
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a fault of nbpress itself: one paragraph, the trace on request
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"error: nbpress failed unexpectedly ({type(exc).__name__}: {exc}); the previous "
              "site and the cache were left as they were. Run the same command with --debug "
              "to see nbpress's traceback, and report it with that output.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Said from what is on disk: the signal may come just after the new site was swapped in.
        if site is not None and _marker(site) != before:
            print(f"interrupted after the new site was put in place: {site} is this build's "
                  "site; the next build checks it again.", file=sys.stderr)
        else:
            print("interrupted; the previous site was left as it was (posts that had finished "
                  "running are kept in the cache).", file=sys.stderr)
        return 130


def run(**options: Any) -> NoReturn:
    """``main`` as the program (``nbpress``, ``python -m nbpress``, ``build.py``): it exits
    with its status, through ``exit_now``.  The cycle collector is off from the start: a
    build turns it on where it makes cycles in bulk (``gcpolicy.py``), and would otherwise
    end with one run over all it made (20 ms at 2,000 posts); other commands turn it on."""
    gc.disable()
    exit_now(main(**options))


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` without tearing the interpreter down: exit handlers
    run and the output is flushed, but the build's objects are not freed one by one
    (≈70 ms after an edit of 2,000 posts, a twentieth of it).  A normal exit while another
    thread still runs, or under a profiler, a tracer or ``python -i`` (which act at exit)."""
    if threading.active_count() > 1 or sys.getprofile() or sys.gettrace() or sys.flags.inspect:
        sys.exit(code)
    atexit._run_exitfuncs()  # what a normal exit runs first: temporary folders, logging…
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # (None: Python started with that descriptor closed)
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


def _site_folder(args: argparse.Namespace) -> Path | None:
    """The folder a build or serve command writes the site into (None for other commands)."""
    if args.command not in ("build", "serve"):
        return None
    return (args.out or args.root / "_site").resolve()


def _marker(site: Path | None) -> str:
    """The site folder's marker (which build wrote it); "" when there is none."""
    try:
        return (site / SITE_MARKER).read_text() if site else ""
    except (OSError, UnicodeDecodeError):
        return ""


__all__ = ["exit_now", "main", "run"]
