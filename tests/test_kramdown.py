"""kramdown read as CommonMark (nbpress/kramdown.py): what the importer reports and rewrites."""

from __future__ import annotations

from nbpress.kramdown import kramdown_inline_math, kramdown_notes


def test_what_kramdown_read_and_commonmark_shows_as_text_is_reported() -> None:
    body = ("A paragraph with a class.\n{: .note}\n\n* TOC\n{:toc}\n\nHTML\n: Markup\n\n"
            "*[HTML]: HyperText\n\n<div class=\"box\" markdown=\"1\">\n**bold**\n</div>\n\n"
            '<div class="svgdiv">\n<svg width="100">\n  <rect/>\n\n  <text>*</text>\n</svg>\n'
            "</div>\n\n```\n{: .not-in-code}\n<div>\n\n```\n\n<div>one line</div>\n")
    assert [(n, what.split(" (")[0].split(":")[0]) for n, what in kramdown_notes(body, 10)] == [
        (11, "a kramdown attribute list"), (13, "kramdown's table of contents"),
        (17, "a kramdown definition list"), (19, "a kramdown abbreviation"),
        (21, 'markdown="1" inside HTML'), (25, "an HTML <div> block with a blank line inside")]
    assert kramdown_notes("Text.\n{: .full-width }\n", 1, export=True) == []  # (removed)
    assert [what.split(",")[0] for _, what in kramdown_notes(
        '{::options parse_block_html="true" /}\n\n{::nomarkdown}\n<b>x</b>\n{:/nomarkdown}\n', 1)] \
        == ["kramdown's {::options …/}", "kramdown's {::nomarkdown}", "kramdown's {::nomarkdown}"]


def test_inline_double_dollars_become_single_and_display_ones_stay() -> None:
    body = ("Where $$\\theta$$ is the parameter.\n\n$$E = mc^2$$\n\nText\n$$a$$\nmore\n\n"
            "Code `$$x$$` and $$y$$\n\n```\n$$z$$\n```\n\n$$\nw\n$$\n")
    assert kramdown_inline_math(body) == (
        "Where $\\theta$ is the parameter.\n\n$$E = mc^2$$\n\nText\n$a$\nmore\n\n"
        "Code `$$x$$` and $y$\n\n```\n$$z$$\n```\n\n$$\nw\n$$\n", 3)
