"""Checks made before any post runs (nbpress/preflight.py), through the real command line:
``--out`` that can never be written, ``--refresh`` naming no post, post files that are
broken links.  Each is one message and exit status 1, and no kernel starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import nbpress_traceback

CODE_POST = "---\ntitle: A\n---\n\n```python\nprint('ran')\n```\n"
OUT_HINT = "Choose a new or empty folder for --out, or leave it out (ROOT/_site)."


def refused(root: Path, build, *args: str) -> str:
    """Build; assert it failed cleanly before any post ran; return stderr."""
    result = build("build", "--root", str(root), *args)
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert not nbpress_traceback(result.stderr), result.stderr
    assert not (root / "_executed").exists()  # refused before the code post ran
    return result.stderr


@pytest.mark.parametrize("out,message", [
    ("file", "--out {root}/file is a file, not a folder."),
    ("file/sub", "--out {root}/file/sub is inside {root}/file, which is a file, not a folder."),
    ("posts/site", "--out {root}/posts/site is the site's own folder or inside posts/; building "
                   "there would replace the posts."),
    (".", "--out {root} is the site's own folder or inside posts/; building there would "
          "replace the posts."),
])
def test_an_out_that_cannot_be_the_site_is_refused_before_anything_runs(make_site, build, out,
                                                                         message):
    root = make_site({"posts/2024-01-01-a.md": CODE_POST, "file": "not a folder\n"})
    stderr = refused(root, build, "--out", str(root / out))
    assert stderr == f"error: {message.format(root=root.resolve())} {OUT_HINT}\n"


def test_an_out_folder_nbpress_did_not_make_is_refused_before_anything_runs(make_site, build):
    root = make_site({"posts/2024-01-01-a.md": CODE_POST, "mine/notes.txt": "keep me\n"})
    stderr = refused(root, build, "--out", str(root / "mine"))
    assert stderr == (f"error: refusing to replace '{(root / 'mine').resolve()}': it exists and "
                      "was not made by nbpress. Choose an empty or new --out folder.\n")
    assert (root / "mine/notes.txt").read_text() == "keep me\n"


def test_refresh_of_no_post_is_refused_naming_the_posts(make_site, build):
    root = make_site({"posts/2024-01-01-a.md": CODE_POST, "posts/2024-01-02-b.md": CODE_POST})
    stderr = refused(root, build, "--refresh", "nosuch")
    assert stderr == (
        "error: --refresh nosuch names no post of this build (its posts: 2024-01-01-a, "
        "2024-01-02-b). Give a post's file name without its extension, or its path from the "
        "site root (posts/NAME.md); drafts need --drafts.\n\n"
        "1 post(s) failed; the previous site was left as it was.\n")


def test_a_post_that_is_a_link_loop_or_a_dangling_link_is_reported(make_site, build):
    root = make_site({"posts/2024-01-01-a.md": CODE_POST})
    (root / "posts/loop.md").symlink_to("loop.md")
    (root / "posts/2024-01-02-gone.md").symlink_to("nowhere.md")
    result = build("build", "--root", str(root), cwd=root)
    assert result.returncode == 1 and not nbpress_traceback(result.stderr), result.stderr
    what = ("this post is a symbolic link that leads to no file (a loop, or its target is "
            "missing), so it cannot be read. Point the link at the post's file, or replace it "
            "with the file.")
    assert result.stderr == (f"error: posts/2024-01-02-gone.md: {what}\n\n"
                             f"error: posts/loop.md: {what}\n\n"
                             "2 post(s) failed; the previous site was left as it was.\n")
