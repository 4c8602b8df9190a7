"""``nbpress new`` (nbpress/new.py): the files of a new blog, checked as the tools that read
them will (config.py, the post reader, YAML for the workflow), and the refusals."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from conftest import pages_workflow_runs, run_workflow_step

from nbpress.config import load_config
from nbpress.errors import NbpressError
from nbpress.new import PLACEHOLDER, create, installed_pin, summary

DAY = dt.date(2025, 1, 2)
FILES = (".github/workflows/pages.yml", ".gitignore", "README.md", "posts/2025-01-02-welcome.md",
         "pyproject.toml")
PIN = "git+https://github.com/ada/nbpress@7921be1537eac1e97bc40179a57f0349c2aee67d"


@pytest.fixture
def blog(tmp_path: Path) -> Path:
    create(tmp_path / "blog", today=DAY)
    return tmp_path / "blog"


def test_writes_the_blog_files(tmp_path: Path) -> None:
    made = create(tmp_path / "a" / "blog", today=DAY, pin=PIN)
    assert sorted(made.written) == sorted(FILES)
    assert made.kept == ()
    found = sorted(p.relative_to(made.root).as_posix() for p in made.root.rglob("*")
                   if p.is_file())
    assert found == sorted(FILES)


def test_settings_are_valid_and_every_commented_key_too(blog: Path) -> None:
    config = load_config(blog)
    assert config.title == "My blog"
    assert config.execute.timeout == 600  # the commented defaults are the real defaults
    text = (blog / "pyproject.toml").read_text()
    commented = re.findall(r"^# (\w+) = ", text, flags=re.M)
    assert len(commented) >= 10
    (blog / "pyproject.toml").write_text(re.sub(r"^# (\w+ = )", r"\1", text, flags=re.M))
    config = load_config(blog)
    assert (config.url, config.baseurl, config.repository) == \
        ("https://OWNER.github.io", "/REPOSITORY", "OWNER/REPOSITORY")
    assert config.execute.memory_limit == "8G"


def test_example_post_is_a_post_with_light_code(blog: Path) -> None:
    from nbpress.discover import discover
    from nbpress.readers import read_post_notebook

    posts, errors = discover(load_config(blog))
    assert errors == []
    assert [p.path.name for p in posts] == ["2025-01-02-welcome.md"]
    assert posts[0].date.date() == DAY
    doc, warnings = read_post_notebook(posts[0])
    assert warnings == []
    cells = [c for c in doc.notebook.cells if c.cell_type == "code"]
    assert len(cells) >= 2
    nodes = [node for c in cells for node in ast.walk(ast.parse(c.source))]
    imported = {n.name.split(".")[0] for node in nodes if isinstance(node, ast.Import)
                for n in node.names}
    imported |= {node.module.split(".")[0] for node in nodes
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and imported <= sys.stdlib_module_names  # runs in any fresh environment


def test_gitignore_keeps_the_cache_committed(blog: Path) -> None:
    lines = (blog / ".gitignore").read_text().splitlines()
    patterns = [line for line in lines if line and not line.startswith("#")]
    assert "_site/" in patterns and ".nbpress-cache/" in patterns
    assert not any("_executed" in p for p in patterns)
    assert any("_executed/" in line and "NOT ignored" in line for line in lines)


def test_workflow_installs_only_nbpress_and_never_executes(tmp_path: Path) -> None:
    root = create(tmp_path / "blog", pin=PIN).root
    runs = pages_workflow_runs(root / ".github/workflows/pages.yml")
    assert [r for r in runs if "pip" in r] == [f'python -m pip install "nbpress @ {PIN}"']
    assert f'"nbpress @ {PIN}"' in (root / "README.md").read_text()


def test_workflow_keeps_a_placeholder_when_the_origin_is_unknown(blog: Path) -> None:
    assert PLACEHOLDER in (blog / ".github/workflows/pages.yml").read_text()


def test_workflow_uses_the_python_the_posts_ran_with(blog: Path) -> None:
    steps = yaml.safe_load((blog / ".github/workflows/pages.yml").read_text())["jobs"]["build"][
        "steps"]
    (step,) = [s for s in steps if s.get("id") == "recorded"]
    assert run_workflow_step(step["run"], blog) == "python=3.12\n"  # nothing has run yet
    record = blog / "_executed/2025-01-02-welcome/record.json"
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"python": "3.11.7", "packages": {}}))
    assert run_workflow_step(step["run"], blog) == "python=3.11.7\n"


def test_readme_shows_the_three_commands(blog: Path) -> None:
    readme = (blog / "README.md").read_text()
    commands = re.search(r"```bash\n(.*?)```", readme, flags=re.S).group(1)
    assert [line.split("#")[0].strip() for line in commands.splitlines()] == [
        "nbpress build", "nbpress serve",
        'git add posts _executed && git commit -m "New post" && git push']


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n")
    with pytest.raises(NbpressError) as info:
        create(tmp_path)
    assert info.value.message == (
        "the folder is not empty (notes.txt); nbpress new writes a blog into a new or empty "
        "folder so that it never mixes with other files.")
    assert info.value.hint == (
        "Give the name of a new folder, or add --force to write the blog's files there anyway "
        "(files that already exist are kept as they are, not overwritten).")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_force_keeps_existing_files(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Ada's notes\n")
    made = create(tmp_path, force=True, today=DAY)
    assert made.kept == ("README.md",)
    assert (tmp_path / "README.md").read_text() == "# Ada's notes\n"
    assert (tmp_path / "pyproject.toml").is_file()
    assert "kept as they were (already there): README.md" in summary(made)


def test_a_fresh_git_repository_counts_as_empty(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert len(create(tmp_path).written) == len(FILES)


def test_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "blog").write_text("")
    with pytest.raises(NbpressError) as info:
        create(tmp_path / "blog")
    assert (info.value.message, info.value.hint) == (
        "cannot create a blog here: this is a file, not a folder.",
        "Give the name of a new or empty folder.")
    assert info.value.location.path == tmp_path / "blog"


def test_summary_names_the_next_commands_and_the_pin_to_set(blog: Path) -> None:
    text = summary(create(blog.parent / "other"))
    assert "  nbpress build" in text and "  nbpress serve" in text
    assert "before publishing: pin nbpress in .github/workflows/pages.yml" in text
    assert "before publishing" not in summary(create(blog.parent / "third", pin=PIN))


def test_pin_from_a_git_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip records where a package came from in direct_url.json (PEP 610)."""
    dist = tmp_path / "nbpress-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: nbpress\nVersion: 0.1.0\n")
    (dist / "direct_url.json").write_text(json.dumps({
        "url": "https://github.com/ada/nbpress",
        "vcs_info": {"vcs": "git", "requested_revision": "main",
                     "commit_id": "7921be1537eac1e97bc40179a57f0349c2aee67d"}}))
    monkeypatch.syspath_prepend(str(tmp_path))
    assert installed_pin() == PIN
    (dist / "direct_url.json").write_text(json.dumps({"url": "file:///home/ada/nbpress",
                                                      "dir_info": {"editable": True}}))
    assert installed_pin() == PLACEHOLDER
