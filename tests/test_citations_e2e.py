"""Citations through a whole build: numbering, anchors, back-links, warnings, errors."""

from __future__ import annotations


import pytest

from conftest import Page

pytestmark = pytest.mark.kernel

BIB = """\
@inproceedings{paszke2019,
  title = {{PyTorch}: An Imperative Style, High-Performance Deep Learning Library},
  author = {Paszke, Adam and Gross, Sam and Chintala, Soumith},
  booktitle = {NeurIPS},
  year = {2019},
  url = {https://proceedings.neurips.cc/paper/2019/hash/bdbca288fee7f92f2bfa9f7012727740}
}
@inproceedings{frostig2018,
  title = {Compiling machine learning programs via high-level tracing},
  author = {Frostig, Roy and Johnson, Matthew James and Leary, Chris},
  booktitle = {SysML},
  year = {2018}
}
"""

POST = """\
---
title: Cited
references:
  - id: knuth1984
    title: Literate Programming
    author: Donald E. Knuth
    year: 1984
    doi: 10.1093/comjnl/27.2.97
---

PyTorch [@paszke2019] and JAX [@frostig2018; @paszke2019, p. 3], as @knuth1984 wrote.
Mail me at a@b.com, and keep @property as text.

```python
print("[@paszke2019] in code is untouched")
```

## References

{% bibliography %}
"""


def test_citations_number_link_and_back_link(make_site, build):
    root = make_site({"references.bib": BIB, "posts/2024-01-01-cited.md": POST})
    result = build("--root", str(root))
    assert result.returncode == 0, result.stderr
    html = (root / "_site/2024/01/01/cited.html").read_text()
    links = Page(html)
    anchors = [h[1:] for h in links.hrefs if h.startswith("#")]
    for target in anchors:  # every #ref-N and #cite-N-k link has exactly one target
        assert links.ids.count(target) == 1, target
    assert [h for h in anchors if h.startswith("ref-")] == ["ref-1", "ref-2", "ref-1", "ref-3"]
    assert {h for h in anchors if h.startswith("cite-")} == \
        {"cite-1-1", "cite-1-2", "cite-2-1", "cite-3-1"}
    assert "[@paszke2019] in code is untouched" in html
    assert "a@b.com" in html and "@property" in html
    assert html.index('id="ref-1"') > html.index('id="references"')  # under the post's heading
    assert html.count("References") == 1
    assert "https://doi.org/10.1093/comjnl/27.2.97" in html
    assert 'title="Paszke et al. 2019. PyTorch: An Imperative Style' in html


def test_unknown_key_fails_with_line_and_closest_keys(make_site, build):
    root = make_site({"references.bib": BIB,
                      "posts/2024-01-01-x.md": "---\ntitle: X\n---\n\nText.\nSee [@paszke2018].\n"})
    result = build("--root", str(root))
    assert result.returncode == 1
    assert "2024-01-01-x.md:6: unknown citation key @paszke2018; did you mean @paszke2019?" \
        in result.stderr


def test_hand_numbered_posts_are_checked(make_site, build):
    root = make_site({"posts/2024-01-01-h.md": (
        "---\ntitle: H\n---\n\nCite [[1](#ref-1)] and [[4](#ref-4)].\n\n### References\n"
        "[1] <a id=\"ref-1\"></a> [x](https://example.org)  \n[2] <a id=\"ref-2\"></a> []()  \n")})
    result = build("--root", str(root))
    assert result.returncode == 0, result.stderr
    assert "2024-01-01-h.md:5: warning:" in result.stderr and "#ref-4" in result.stderr
    assert "2024-01-01-h.md:9: warning:" in result.stderr
