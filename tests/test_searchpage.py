"""What the search index reads of a page (nbpress/searchpage.py); tests/test_search.py
checks the same pages against Pagefind itself."""

from __future__ import annotations

from nbpress.searchpage import read_for_index, read_page


def test_a_page_without_a_body_or_with_nested_elements_counts_as_read() -> None:
    nested = ('<html lang="en"><body><div data-pagefind-body><div>One</div><div>Two</div>'
              '</div><footer>{}</footer></body></html>')
    assert read_page(nested.format("a").encode()) == read_page(nested.format("b").encode())
    assert read_page(nested.format("a").encode())[0] is True
    body, digest = read_page(b"<html><body><p>No body marked</p></body></html>")
    assert body is False
    assert read_page(b"<html><body><p>No body marked.</p></body></html>")[1] != digest
    inside = nested.replace("<div>Two</div>", "<div>Three</div>")
    assert read_page(inside.format("a").encode()) != read_page(nested.format("a").encode())
    quoted = b"<html><body><pre>&lt;article data-pagefind-body&gt;</pre></body></html>"
    assert read_page(quoted)[0] is False  # a post quoting the attribute marks nothing


def test_the_page_given_to_pagefind_holds_only_what_it_reads() -> None:
    page = (b'<!DOCTYPE html><html lang="en"><head><title>T</title><script src="a.js">'
            b'</script></head><body><h1>Site</h1><nav>Tags</nav><article data-pagefind-body>'
            b'<p>Adam.</p></article><footer>F</footer></body></html>')
    body, digest, shown = read_for_index(page)
    assert body is True and (body, digest) == read_page(page)
    assert shown == (b'<html lang="en"><head><meta charset="utf-8"></head><body><h1>Site</h1>'
                     b'<article data-pagefind-body><p>Adam.</p></article></body></html>')


def test_pagefind_attributes_outside_the_body_make_the_page_count_whole() -> None:
    page = (b'<html lang="en"><body><span data-pagefind-filter="tag">ml</span>'
            b'<main data-pagefind-body><p>x</p></main></body></html>')
    body, digest, shown = read_for_index(page)
    assert body is True and shown == page
    ignored = page.replace(b'data-pagefind-filter="tag"', b"data-pagefind-ignore")
    assert read_for_index(ignored)[2] != ignored  # ignore outside the body changes nothing
