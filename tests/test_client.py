"""nbclient's client, tolerant of outputs the notebook format cannot hold (nbpress/client.py),
and what a post that publishes such outputs builds into."""

from __future__ import annotations

import pytest

from nbpress.client import DROPPED, sanitised

from test_bad_inputs import nbpress_traceback


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
def test_hostile_outputs_are_warnings_not_tracebacks(make_site, build):
    root = make_site({"posts/2024-01-01-a.md": HOSTILE})
    for args in ([], ["--out", "cached", "--execute", "never"]):  # executed, then from the cache
        result = build("build", "--root", ".", *args, cwd=root)
        assert result.returncode == 0, result.stderr
        assert not nbpress_traceback(result.stderr), result.stderr
        warnings = [line for line in result.stderr.splitlines() if "warning:" in line]
        assert warnings == [
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
