"""Which files may be pages (nbpress/sourcefiles.py): Jekyll's exclusions and nbpress's own."""

from __future__ import annotations

from pathlib import Path

from nbpress.config import load_config
from nbpress.sourcefiles import candidate_files


def test_pages_outside_hidden_underscore_theme_posts_site_and_nested_projects(
        make_site) -> None:
    page = "---\ntitle: x\n---\n"
    root = make_site({
        "about.md": page, "contact.html": page, "projects/index.md": page,
        "projects/notes.txt": "not a page", "_drafts/a.md": page, "_includes/nav.html": page,
        ".github/README.md": page, "_hidden.md": page, "posts/2024-01-01-a.md": page,
        "templates/page.html": page, "assets/x.html": page, "_site/about.html": page,
        "node_modules/pkg/README.md": page, "vendor/bundle/x.md": page,
        "other-site/pyproject.toml": "", "other-site/about.md": page,
        "old-jekyll/_config.yml": "", "old-jekyll/about.md": page,
        "venv/pyvenv.cfg": "", "venv/lib/pkg/README.md": page,
        "drafts/secret.md": page, "notes/keep.md": page,
        "pyproject.toml": '[tool.nbpress]\nexclude = ["drafts", "notes/keep.md"]\n',
    })
    found = [p.relative_to(root).as_posix() for p in candidate_files(load_config(root))]
    assert found == ["about.md", "contact.html", "projects/index.md"]


def test_a_site_folder_inside_the_root_is_left_out(make_site, tmp_path: Path) -> None:
    root = make_site({"about.md": "---\n---\n", "public/about.html": "---\n---\n"})
    config = load_config(root, out=root / "public")
    assert [p.name for p in candidate_files(config)] == ["about.md"]


def test_this_repository_has_no_pages(tmp_path: Path) -> None:
    # Its tests' fixtures hold other sites' pages: pyproject.toml excludes tests/.
    repo = Path(__file__).resolve().parent.parent
    assert [p for p in candidate_files(load_config(repo, out=tmp_path / "_site"))
            if p.read_text(encoding="utf-8").startswith("---")] == []
