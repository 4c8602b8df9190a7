"""The no-op check (nbpress/noop.py): nothing changed → nothing imported, nothing done."""

from __future__ import annotations

import subprocess
import sys

from nbpress.config import load_config
from nbpress.noop import up_to_date
from nbpress.pipeline import build

POST = "---\ntitle: Warm restarts\n---\n\nCosine schedules with warm restarts, in brief.\n"


def test_up_to_date_only_after_a_build_and_until_an_edit(make_site) -> None:
    root = make_site({"posts/2024-05-01-warm-restarts.md": POST,
                      "pyproject.toml": "[tool.nbpress]\nsearch = false\n"})
    config = load_config(root)
    assert up_to_date(config) is None  # never built
    build(config)
    report = up_to_date(config)
    assert report is not None and report.up_to_date
    assert report.posts == ("posts/2024-05-01-warm-restarts.md",)
    assert up_to_date(load_config(root, mode="always")) is None
    assert up_to_date(load_config(root, refresh=("2024-05-01-warm-restarts",))) is None
    (root / "posts/2024-05-01-warm-restarts.md").write_text(POST + "\nA second paragraph.\n")
    assert up_to_date(config) is None


def test_a_file_deleted_from_the_site_is_written_again(make_site) -> None:
    root = make_site({"posts/2024-05-01-warm-restarts.md": POST,
                      "pyproject.toml": "[tool.nbpress]\nsearch = false\n"})
    config = load_config(root)
    build(config)
    robots = (root / "_site/robots.txt").read_bytes()
    (root / "_site/robots.txt").unlink()  # by hand, or by a tool that cleans folders
    assert up_to_date(config) is None
    report = build(config)
    assert report.written == ("robots.txt",)
    assert (root / "_site/robots.txt").read_bytes() == robots
    assert up_to_date(config) is not None


def test_a_no_op_build_imports_no_stage(make_site) -> None:
    root = make_site({"posts/2024-05-01-warm-restarts.md": POST,
                      "pyproject.toml": "[tool.nbpress]\nsearch = false\n"})
    code = ("import sys; from nbpress.cli import main; code = main(['build', '--root', sys.argv[1]]);"
            "print(sorted(m for m in sys.modules if m in ('nbpress.pipeline', 'jinja2', "
            "'markdown_it', 'nbformat', 'yaml', 'importlib.metadata'))); sys.exit(code)")
    # Both builds in fresh interpreters: the first one imports what building needs.
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
    assert done.stderr.startswith(f"{root / '_site'} is up to date (")
