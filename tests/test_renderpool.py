"""Posts rendered in worker processes give the pages and errors a serial build gives
(nbpress/renderpool.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbpress import renderpool
from nbpress.config import load_config
from nbpress.errors import BuildFailed
from nbpress.pipeline import build

POST = """\
---
title: "Kernel trick, part {n}"
tags: [theory]
---

The feature map $\\phi(x)$ of part {n} and a [reference](https://example.org/{n}).

```python
k = lambda x, y: (x @ y + 1) ** {n}
```
"""


def site(root: Path, posts: int, broken: int | None = None) -> Path:
    (root / "posts").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "Kernels"\nsearch = false\n')
    for n in range(1, posts + 1):
        text = POST.format(n=n).replace("```python\n", "```text\n")  # shown, not run
        if n == broken:
            text += "\n{% include missing.html %}\n"
        (root / "posts" / f"2024-03-{n:02d}-kernel-{n}.md").write_text(text)
    return root


def pages(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.html"))}


def all_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".nbpress-site"}


def test_workers_render_the_pages_a_serial_build_renders(tmp_path: Path, monkeypatch) -> None:
    root = site(tmp_path / "blog", 6)
    monkeypatch.setattr(renderpool, "workers_here", lambda: 2)
    monkeypatch.setattr(renderpool, "PARALLEL_FROM", 2)
    calls = []
    real = renderpool.render_in_workers
    monkeypatch.setattr(renderpool, "render_in_workers",
                        lambda *a: calls.append(real(*a)) or calls[-1])
    build(load_config(root, out=tmp_path / "parallel"))
    assert len(calls) == 1 and len(calls[0]) == 6  # every post rendered by a worker
    assert all(page.post.title == f"Kernel trick, part {6 - i}"
               for i, (page, _, _) in enumerate(calls[0]))
    monkeypatch.setattr(renderpool, "PARALLEL_FROM", 10 ** 6)
    build(load_config(root, out=tmp_path / "serial"))
    assert len(calls) == 1
    assert pages(tmp_path / "parallel") == pages(tmp_path / "serial")
    assert len(pages(tmp_path / "serial")) > 6
    # The workers' files (here the notebooks to download) came back as files they wrote,
    # not as bytes; written into the site they are the serial build's files.
    sent = [f for page, _, _ in calls[0] for f in page.files]
    assert sent and all(f.source is not None and not f.data for f in sent)
    assert all(f.source.parent.name.startswith(".parallel.pages-") for f in sent)
    assert all_files(tmp_path / "parallel") == all_files(tmp_path / "serial")
    assert not list(tmp_path.glob(".parallel.pages-*"))  # the spool went with the build


@pytest.mark.parametrize("parallel_from", [2, 10 ** 6])
def test_a_post_failing_in_a_worker_gives_the_serial_error(tmp_path: Path, monkeypatch,
                                                            parallel_from: int) -> None:
    root = site(tmp_path / "blog", 5, broken=3)
    monkeypatch.setattr(renderpool, "workers_here", lambda: 2)
    monkeypatch.setattr(renderpool, "PARALLEL_FROM", parallel_from)
    with pytest.raises(BuildFailed) as caught:
        build(load_config(root))
    assert [str(e) for e in caught.value.errors] == [
        f"{root}/posts/2024-03-03-kernel-3.md:12: '{{% include missing.html %}}': there is no "
        "_includes/missing.html. Put the file in the _includes/ folder next to posts/."]
