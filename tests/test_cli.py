"""The command line (nbpress/cli.py) as users run it: build.py, ``python -m nbpress``, their
help, version and usage errors, ``new``, and no-op builds from the blog's own folder."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import nbpress

from conftest import REPO, run_build


def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m nbpress ARGS`` in ``cwd``, with this checkout's nbpress."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "nbpress", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_version() -> None:
    result = run_build("--version")
    assert (result.returncode, result.stdout) == (0, f"nbpress {nbpress.__version__}\n")


def test_help_lists_the_build_options_and_the_commands() -> None:
    result = run_build("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: build.py [build] [build options]\n"
                                    "       build.py {check,serve,new,import} [options]")
    for option in ("--root ROOT", "--out OUT", "--drafts", "--execute {auto,never,always}",
                   "--refresh POST", "--jobs JOBS", "--keep-going", "--explain", "--version"):
        assert option in result.stdout, option
    for command in ("build ", "check ", "serve ", "new "):
        assert f"\n    {command}" in result.stdout, command


def test_usage_names_the_program_as_invoked(tmp_path: Path) -> None:
    result = run_module("--help", cwd=tmp_path)
    assert result.stdout.startswith("usage: python -m nbpress [build] [build options]\n")
    result = run_module("new", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("usage: python -m nbpress new [-h] [--force] [--debug] DIR\n"
                             "python -m nbpress new: error: the following arguments are "
                             "required: DIR\n")
    assert run_build("serve", "--nope").stderr.startswith("usage: build.py ")


def test_new_then_refuses_the_same_folder(tmp_path: Path) -> None:
    result = run_module("new", "my-blog", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("created a blog in my-blog (5 files).\n")
    assert "  cd my-blog\n  nbpress build" in result.stdout
    assert (tmp_path / "my-blog/.github/workflows/pages.yml").is_file()
    again = run_module("new", "my-blog", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr == (
        "error: my-blog: the folder is not empty (.github, .gitignore, README.md, …); nbpress "
        "new writes a blog into a new or empty folder so that it never mixes with other files. "
        "Give the name of a new folder, or add --force to write the blog's files there anyway "
        "(files that already exist are kept as they are, not overwritten).\n")
    forced = run_module("new", "my-blog", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert forced.stdout.startswith("created a blog in my-blog (0 files).\nkept as they were")


def test_no_op_from_the_blog_folder(make_site) -> None:
    """``python -m nbpress`` puts the blog folder on sys.path; its changes are not packages."""
    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: A\n---\nNo code here.\n"})
    first = run_module(cwd=root)
    assert first.returncode == 0, first.stderr
    assert "built 1 post(s)" in first.stderr
    (root / "notes.txt").write_text("a file the build does not read\n")
    again = run_module(cwd=root)
    assert again.returncode == 0
    assert again.stderr.startswith(f"{root / '_site'} is up to date (")


def test_outside_a_blog_points_to_new(tmp_path: Path) -> None:
    result = run_module(cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: there is no posts/ folder in {tmp_path}. Run it in the blog's folder or pass "
        "--root with the folder that holds posts/; `nbpress new DIR` starts a new blog.\n")


def test_sigint_just_after_the_swap_says_the_site_was_replaced(make_site, monkeypatch, capsys):
    """A Ctrl-C arriving after the new site is in place must not claim the old one was kept
    (issue 19, item 9); one arriving before still says so."""
    import signal

    from nbpress import cli, pipeline

    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: A\n---\n\nFirst.\n"})
    assert cli.main(["build", "--root", str(root)]) == 0
    (root / "posts/2024-01-01-a.md").write_text("---\ntitle: A\n---\n\nSecond.\n")
    real = pipeline.entries.remove

    def interrupted_after_swap(paths):
        os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered at this moment
        real(paths)

    monkeypatch.setattr(pipeline.entries, "remove", interrupted_after_swap)
    capsys.readouterr()
    assert cli.main(["build", "--root", str(root)]) == 130
    site = (root / "_site").resolve()
    assert capsys.readouterr().err == (f"interrupted after the new site was put in place: {site} "
                                       "is this build's site; the next build checks it again.\n")
    assert "Second." in (root / "_site/2024/01/01/a.html").read_text()

    (root / "posts/2024-01-01-a.md").write_text("---\ntitle: A\n---\n\nThird.\n")
    monkeypatch.setattr(pipeline, "write_output", lambda *a, **k: os.kill(os.getpid(), signal.SIGINT))
    assert cli.main(["build", "--root", str(root)]) == 130
    assert capsys.readouterr().err == ("interrupted; the previous site was left as it was (posts "
                                       "that had finished running are kept in the cache).\n")
    assert "Second." in (root / "_site/2024/01/01/a.html").read_text()


def test_a_fault_of_nbpress_is_one_paragraph_and_debug_shows_the_trace(make_site, monkeypatch,
                                                                       capsys) -> None:
    from nbpress import cli, pipeline

    root = make_site({"posts/2024-01-01-a.md": "---\ntitle: A\n---\nText.\n"})

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "build", broken)
    assert cli.main(["--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert err == ("error: nbpress failed unexpectedly (ZeroDivisionError: division by zero); "
                   "the previous site and the cache were left as they were. Run the same "
                   "command with --debug to see nbpress's traceback, and report it with that "
                   "output.\n")
    assert cli.main(["build", "--root", str(root), "--debug"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "in broken" in err


def test_the_program_ends_without_tearing_the_interpreter_down_but_says_everything() -> None:
    """``python -m nbpress`` ends through ``cli.exit_now``: the exit status is main's, exit
    handlers have run and buffered output is out; with another thread still running, the
    process waits for it as a normal exit does."""
    program = ("import atexit, sys, threading, time\n"
               "from nbpress.cli import exit_now\n"
               "atexit.register(lambda: print('handler ran', file=sys.stderr))\n"
               "print('said, not flushed', end='')\n"
               "if sys.argv[1] == 'thread':\n"
               "    threading.Thread(target=lambda: (time.sleep(0.3), print(' thread done'))"
               ").start()\n"
               "exit_now(3)\n")
    for case, said in (("alone", "said, not flushed"),
                       ("thread", "said, not flushed thread done\n")):
        done = subprocess.run([sys.executable, "-c", program, case], capture_output=True,
                              text=True, timeout=60)
        assert (done.returncode, done.stdout, done.stderr) == (3, said, "handler ran\n")
    # Started with its output closed (``>&-``: sys.stdout is None): its status all the same.
    done = subprocess.run(f"{sys.executable} -c {shlex.quote(program)} alone >&-", shell=True,
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (3, "handler ran\n")


def test_under_a_profiler_the_program_ends_as_usual_so_the_profile_is_written(
        tmp_path: Path) -> None:
    """``python -m cProfile -o FILE`` writes its file at the normal exit: ``exit_now`` does
    not skip it."""
    script = tmp_path / "ends.py"
    script.write_text("from nbpress.cli import exit_now\nexit_now(0)\n")
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(tmp_path / "prof.out"),
                           str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and (tmp_path / "prof.out").stat().st_size > 0
