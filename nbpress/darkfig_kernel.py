"""Runs inside a post's kernel: each matplotlib figure shown is rendered a second time in
dark colours, as one more MIME type of the same display output.

nbpress never imports this module to run it there: ``darkfig.kernel_setup`` sends its
source text to the kernel (the kernel's Python may not have nbpress installed).  So it
imports only the standard library at the top, and IPython and matplotlib inside functions.

How the dark rendering is made: the very Figure just drawn for the light image gets its
achromatic colours (white paper, black ink, the greys of grids, spines and legend frames)
mapped onto the dark palette, is drawn again with the same settings as the light image
(``%config InlineBackend`` formats, dpi, retina), and gets its colours back.  Colours with
a hue, the data's, and images (``imshow``, colour-mapped meshes) are kept as they are.

The formatter is registered as an IPython display formatter of its own MIME type, not
for the Figure type, because the inline backend clears every formatter's Figure entry
each time its formats are set (``select_figure_formats``).
"""

from __future__ import annotations

MIME = "image/vnd.nbpress.dark+png"
# The default theme's dark page colours (style.css --bg and --fg in dark mode).
BACKGROUND = (0x0F / 255, 0x12 / 255, 0x16 / 255)
FOREGROUND = (0xE6 / 255, 0xED / 255, 0xF3 / 255)
_GREY = 0.1  # at most this spread between red, green and blue: a grey, not a data colour
# Colour values that follow another colour of the artist (swapped in its own right).
_FOLLOWS = ("auto", "face", "none", "inherit")


def dark_colour(rgba) -> tuple | None:
    """The dark theme's counterpart of an (r, g, b, a) colour, or None when it keeps its own:
    white becomes the background, black the foreground, a grey lies between by its
    lightness; transparent colours and colours with a hue are kept."""
    new = dark_colours([rgba])
    return None if new is None else tuple(float(x) for x in new[0])


def dark_colours(values):
    """``dark_colour`` for an array of RGBA colours (a collection's thousands of points at
    once); None when none of them changes."""
    import numpy as np

    colours = np.array(values, dtype=float)
    if colours.ndim != 2 or colours.shape[1] != 4 or not len(colours):
        return None
    rgb = colours[:, :3]
    grey = (rgb.max(axis=1) - rgb.min(axis=1) <= _GREY) & (colours[:, 3] > 0)
    if not grey.any():
        return None
    light = rgb[grey] @ np.array([0.2126, 0.7152, 0.0722])
    background, foreground = np.array(BACKGROUND), np.array(FOREGROUND)
    colours[grey, :3] = background + (foreground - background) * (1 - light[:, None])
    return colours


def _one(value):
    from matplotlib.colors import to_rgba

    try:
        return dark_colour(to_rgba(value))
    except (TypeError, ValueError):
        return None


def _raw(artist, name):
    """What the artist's colour was set to (restored exactly afterwards), not its resolved
    value: ``auto`` markers keep following their line."""
    for attr in ("_original_" + name, "_" + name):
        if hasattr(artist, attr):
            return getattr(artist, attr)
    return getattr(artist, "get_" + name)()


def _colours(artist) -> tuple:
    """(colour name, converter) pairs to swap for one artist; none for images and others."""
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.text import Text

    if isinstance(artist, Text):
        return (("color", _one),)
    if isinstance(artist, Line2D):
        return (("color", _one), ("markerfacecolor", _one), ("markeredgecolor", _one))
    if isinstance(artist, Patch):
        return (("facecolor", _one), ("edgecolor", _one))
    if isinstance(artist, Collection):  # colour-mapped faces are the data: kept
        return (("edgecolor", dark_colours),) if artist.get_array() is not None else \
            (("facecolor", dark_colours), ("edgecolor", dark_colours))
    return ()


def recolour(fig, undo: list | None = None) -> list:
    """Swap the figure's achromatic colours for dark ones; return the undo list for
    ``restore`` (``undo`` when given, so that a failure half-way can still be undone)."""
    undo = [] if undo is None else undo
    for artist in fig.findobj():
        for name, convert in _colours(artist):
            raw = _raw(artist, name)
            if isinstance(raw, str) and raw.lower() in _FOLLOWS:
                continue
            new = convert(getattr(artist, "get_" + name)())
            if new is not None:
                setter = getattr(artist, "set_" + name)
                undo.append((setter, raw))
                setter(new)
    return undo


def restore(undo: list) -> None:
    """Put back the colours ``recolour`` changed, last changed first."""
    for setter, raw in reversed(undo):
        setter(raw)


def _png(shell, fig):
    """The figure as the light image's PNG formatter draws it, (base64, metadata) or base64;
    None when no image of it is shown at all."""
    import base64

    formatters = shell.display_formatter.formatters
    found = formatters["image/png"](fig)
    if found is not None:
        return found
    shown = any(_handles(formatters[m], fig) for m in ("image/svg+xml", "image/jpeg")
                if m in formatters)
    if not shown:
        return None
    from IPython.core.pylabtools import print_figure

    data = print_figure(fig, "png", bbox_inches="tight")
    return base64.b64encode(data).decode("ascii") if isinstance(data, bytes) else data


def drawn_dark(fig) -> bool:
    """Whether the figure is dark already (``plt.style.use("dark_background")``): its paper,
    the figure's background or else its first axes', is dark.  Swapping its greys would
    give a light figure, so it keeps its one image."""
    from matplotlib.colors import to_rgba

    papers = [fig.get_facecolor()] + [ax.get_facecolor() for ax in fig.axes[:1]]
    for r, g, b, a in (to_rgba(p) for p in papers):
        if a > 0:
            return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5
    return False


def _handles(formatter, obj) -> bool:
    try:
        formatter.lookup(obj)
    except KeyError:
        return False
    return bool(formatter.enabled)


def render(shell, obj):
    """The dark rendering of ``obj`` if it is a matplotlib Figure, else None.  Never
    raises: a figure that cannot be drawn dark still shows its light image."""
    import sys

    module = sys.modules.get("matplotlib.figure")
    if module is None or not isinstance(obj, module.Figure):
        return None
    undo: list = []
    try:
        if drawn_dark(obj):
            return None
        recolour(obj, undo)
        return _png(shell, obj)
    except Exception:  # the light image is the post's output; this one is a courtesy
        return None
    finally:
        restore(undo)


def install(shell) -> None:
    """Register the dark-figure formatter with the kernel's IPython shell."""
    from IPython.core.formatters import BaseFormatter
    from traitlets import Unicode

    class DarkFigureFormatter(BaseFormatter):
        format_type = Unicode(MIME)

        def __call__(self, obj):
            return render(shell, obj) if self.enabled else None

    formatter = DarkFigureFormatter(parent=shell.display_formatter)
    shell.display_formatter.formatters[MIME] = formatter
