"""nbclient's client, tolerant of outputs the notebook format cannot hold (nbpress/client.py),
and what a post that publishes such outputs builds into."""

from __future__ import annotations

import pytest

from nbpress.client import DROPPED, sanitised

from conftest import built_with_warnings


def message(data, metadata=None) -> dict:
    return {"msg_type": "display_data", "parent_header": {},
            "content": {"data": data, "metadata": metadata if metadata is not None else {}}}


def test_values_the_format_cannot_hold_are_left_out_and_noted() -> None:
    out = sanitised(message({"text/plain": 5, "image/svg+xml": {"a": 1},
                             "text/html": ["<b>", "x</b>"], "application/json": {"a": 1}}))
    assert out["content"]["data"] == {"text/html": ["<b>", "x</b>"],
                                      "application/json": {"a": 1}}
    assert out["content"]["metadata"] == {DROPPED: {
        "text/plain": "its value is of type int, not text",
        "image/svg+xml": "its value is of type dict, not text"}}


def test_valid_messages_are_passed_as_they_are() -> None:
    msg = message({"text/plain": "5"}, {"isolated": True})
    assert sanitised(msg) is msg
    assert sanitised({"msg_type": "stream", "content": {"name": "stdout", "text": "x"}})["content"] \
        == {"name": "stdout", "text": "x"}
    assert sanitised(message({"text/plain": "5"}, metadata=[1]))["content"]["metadata"] == {}


HOSTILE = """\
---
title: Hostile outputs
---

```python
from IPython.display import display
display({'image/png': 'not base64!'}, raw=True)
display({'text/plain': 5}, raw=True)
display({'image/svg+xml': {'a': 1}}, raw=True)
print("done")
```
"""


@pytest.mark.kernel
def test_hostile_outputs_are_warnings_not_tracebacks(make_site):
    root = make_site({"posts/2024-01-01-a.md": HOSTILE})
    for args in ([], ["--out", "cached", "--execute", "never"]):  # executed, then from the cache
        assert built_with_warnings(root, *args) == [
            "posts/2024-01-01-a.md:5: warning: code cell 1: an image/png output is not valid "
            "base64 data, so it is not shown; the notebook may be damaged.",
            "posts/2024-01-01-a.md:5: warning: code cell 1: an output's text/plain data is not "
            "shown: its value is of type int, not text (the notebook format holds only text "
            "there).",
            "posts/2024-01-01-a.md:5: warning: code cell 1: an output's image/svg+xml data is "
            "not shown: its value is of type dict, not text (the notebook format holds only "
            "text there)."]
    for site in ("_site", "cached"):
        assert "done" in (root / site / "2024/01/01/a.html").read_text()


def test_a_huge_print_is_cut_before_it_reaches_the_notebook() -> None:
    """So that the committed cache holds no 30 MB entry (issue 19, item 8); rendering says
    how much was left out (test_outputs.py)."""
    from nbformat.v4 import new_code_cell, new_output

    from nbpress.client import capped
    from nbpress.markdown import make_markdown
    from nbpress.outputs import CellContext, render_outputs

    from conftest import Page

    stream = capped({"msg_type": "stream", "content": {"name": "stdout",
                                                       "text": "x" * 30_000_000}}, 2_000_000)
    text = stream["content"]["text"]
    assert text == "x" * 2_000_000 + "\n[nbpress: 28,000,000 more bytes not kept " \
                                     "(output_bytes limit)]"
    plain = capped(message({"text/plain": "é" * 3_000_000}), 2_000_000)["content"]["data"]
    assert len(plain["text/plain"].encode()) < 2_000_100
    small = message({"text/plain": "5"})
    assert capped(small, 2_000_000) == small

    cell = new_code_cell("print('x' * 30_000_000)", outputs=[
        new_output("stream", name="stdout", text=text),
        new_output("stream", name="stdout", text="done\n")])
    ctx = CellContext(slug="a", files_dir="a_files", baseurl="",
                      render_markdown=make_markdown().render, max_output_lines=5000)
    html, _, notes = render_outputs(cell, 0, ctx)
    page = Page(html)
    assert [p.text for p in page.all("p", class_="output-truncated")] == [
        "… 28,000,004 more bytes not shown (output_bytes limit: 2,000,000)."]
    assert notes == ["a text output of 30,000,004 bytes was cut to the output_bytes limit "
                     "(2,000,000); print less, or raise output_bytes in [tool.nbpress]."]
