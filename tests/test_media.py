"""Responsive iframes and videos (nbpress/media.py)."""

from __future__ import annotations

from nbpress.media import responsive_media

# IPython.display.YouTubeVideo's HTML, and YouTube's own "Share → Embed" snippet.
YOUTUBE_IPYTHON = ('<iframe\n    width="400"\n    height="300"\n'
                   '    src="https://www.youtube.com/embed/Ux2RVcgfsJc"\n    frameborder="0"\n'
                   '    allowfullscreen\n    \n></iframe>')
YOUTUBE_SHARE = ('<iframe width="560" height="315" src="https://www.youtube.com/embed/x" '
                 'title="YouTube video player" frameborder="0" allowfullscreen></iframe>')


def test_sized_iframes_keep_their_aspect_and_fit_the_column() -> None:
    assert responsive_media(YOUTUBE_SHARE) == (
        '<iframe style="aspect-ratio: 560 / 315; width: min(100%, 560px); height: auto;" '
        'width="560" height="315" src="https://www.youtube.com/embed/x" '
        'title="YouTube video player" frameborder="0" allowfullscreen></iframe>')
    assert 'style="aspect-ratio: 400 / 300; width: min(100%, 400px)' in \
        responsive_media(YOUTUBE_IPYTHON)


def test_an_authors_style_is_kept_after_ours() -> None:
    text = "<video src='run.mp4' width=640 height=480 controls style='border: 1px solid'>"
    assert responsive_media(text) == (
        "<video src='run.mp4' width=640 height=480 controls "
        'style="aspect-ratio: 640 / 480; width: min(100%, 640px); height: auto; '
        'border: 1px solid">')


def test_unsized_or_relative_sizes_and_other_text_are_left_alone() -> None:
    text = ('<iframe src="map.html" width="100%" height="400"></iframe>'
            "<p>an &lt;iframe width=1 height=1&gt; in prose</p><img width=5 height=5>")
    assert responsive_media(text) == text
