"""The code that draws each figure a second time in dark colours, inside the kernel
(nbpress/darkfig_kernel.py), run here in-process on real matplotlib figures; the run in a
real kernel is in test_darkfig_e2e.py."""

from __future__ import annotations

import io

import pytest

from nbpress.darkfig_kernel import (BACKGROUND, FOREGROUND, dark_colour, dark_colours, drawn_dark,
                                    recolour, render, restore)

matplotlib = pytest.importorskip("matplotlib")
np = pytest.importorskip("numpy")
Image = pytest.importorskip("PIL.Image")


def _figure():
    """A figure as posts draw them: a line with markers, a black dashed line, a colour-mapped
    scatter, grey bars, a grid, a legend, a title, an image in a second axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3), dpi=72)
    ax, right = fig.subplots(1, 2)
    ax.plot([1, 2, 3], [1, 4, 9], "o-", color="tab:orange", label="squares")
    ax.plot([1, 2, 3], [2, 3, 4], "k--", label="line")
    ax.scatter([1, 2, 3], [5, 6, 7], c=[0.1, 0.5, 0.9], cmap="viridis")
    ax.bar([1.5, 2.5], [1, 2], color="0.6")
    ax.grid(True)
    ax.legend()
    ax.set_title("Squares")
    ax.set_xlabel("n")
    right.imshow(np.linspace(0, 1, 64).reshape(8, 8), cmap="gray")
    return fig


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _pixels(data: bytes):
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=float) / 255


def test_dark_colour_maps_greys_onto_the_dark_palette_and_keeps_hues() -> None:
    assert dark_colour((1, 1, 1, 1)) == pytest.approx(BACKGROUND + (1,))
    assert dark_colour((0, 0, 0, 0.5)) == pytest.approx(FOREGROUND + (0.5,))
    middle = dark_colour((0.5, 0.5, 0.5, 1))
    assert all(min(b, f) < m < max(b, f) for m, b, f in zip(middle, BACKGROUND, FOREGROUND))
    assert dark_colour((0.12, 0.47, 0.71, 1)) is None  # tab:blue: a data colour
    assert dark_colour((1, 1, 1, 0)) is None  # transparent stays transparent


def test_dark_colours_of_many_points_at_once_as_one_by_one() -> None:
    rng = np.random.default_rng(0)
    colours = np.concatenate([rng.random((500, 4)), np.repeat(rng.random((500, 1)), 4, axis=1)])
    new = dark_colours(colours)
    for old, swapped in zip(colours, new):
        one = dark_colour(old)
        assert swapped == pytest.approx(old if one is None else one)
    assert dark_colours([(0.1, 0.5, 0.9, 1)]) is None and dark_colours([]) is None


def test_recolour_darkens_paper_and_ink_keeps_data_and_restore_is_exact() -> None:
    fig = _figure()
    light = _png(fig)
    ax, right = fig.axes
    scatter_faces = ax.collections[0].get_facecolor().copy()
    undo = recolour(fig)
    assert undo
    assert fig.get_facecolor() == pytest.approx(BACKGROUND + (1,))
    assert ax.get_facecolor() == pytest.approx(BACKGROUND + (1,))
    assert matplotlib.colors.to_rgba(ax.title.get_color()) == pytest.approx(FOREGROUND + (1,))
    assert matplotlib.colors.to_rgba(ax.lines[1].get_color()) == pytest.approx(FOREGROUND + (1,))
    assert ax.lines[0].get_color() == "tab:orange"
    assert ax.lines[0].get_markerfacecolor() == "tab:orange"  # 'auto' markers follow the line
    dark = _png(fig)
    assert np.array_equal(ax.collections[0].get_facecolor(), scatter_faces)
    restore(undo)
    assert _png(fig) == light  # the light figure is exactly as it was
    assert ax.lines[1].get_color() == "k" and ax.title.get_color() == "black"
    light_pixels, dark_pixels = _pixels(light), _pixels(dark)
    assert light_pixels.mean() > 0.8 and dark_pixels.mean() < 0.3
    # The image (imshow) is the data: the same pixels in both renderings.
    box = right.get_window_extent()
    height = light_pixels.shape[0]
    rows = slice(int(height - box.y1) + 3, int(height - box.y0) - 3)
    columns = slice(int(box.x0) + 3, int(box.x1) - 3)
    assert np.allclose(light_pixels[rows, columns], dark_pixels[rows, columns], atol=0.02)


def test_a_figure_drawn_dark_already_gets_no_second_image() -> None:
    from matplotlib import style
    from matplotlib.figure import Figure

    assert not drawn_dark(_figure())
    with style.context("dark_background"):
        dark = Figure()
        dark.subplots().plot([1, 2])
    assert drawn_dark(dark)
    assert render(None, dark) is None  # before any formatter is asked for an image
    see_through = Figure()
    see_through.patch.set_alpha(0)
    see_through.subplots().set_facecolor("white")
    assert not drawn_dark(see_through)  # the axes' paper decides


def test_render_ignores_everything_but_figures() -> None:
    assert render(None, "a string") is None
    assert render(None, np.zeros(3)) is None
