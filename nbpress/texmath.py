"""TeX math → HTML at build time: KaTeX run in an embedded JavaScript engine, no Node.js,
no client JS.

KaTeX (``nbpress/vendor/katex/katex.min.js``, pinned, from the npm registry) is
loaded once per process, and each expression becomes KaTeX's HTML (styled by the
theme's vendored katex.min.css and fonts) with MathML beside it for screen readers.
Equal expressions (same TeX, mode and macros) are rendered once: results are
cached by content.  An expression KaTeX cannot parse gives ("", why) — the caller
shows its source with a warning.

Two engines, both PyPI wheels, run the same KaTeX: QuickJS (``quickjs``) starts in
40 ms with 4 MB and is as fast as V8 for the first few hundred expressions; V8
(``mini-racer``) costs 50 MB and is three times faster once its compiler has warmed
up.  So a process starts with QuickJS — an edit's rebuild renders a handful of
expressions, and ``serve`` keeps its builds small — and moves to V8 after
``QUICK_LIMIT`` expressions, or at once where it renders in bulk (``bulk()``: the
render workers of a cold build).  Their output is the same string (checked in
``tests/test_texmath.py``).
"""

from __future__ import annotations

import atexit
import json
import re
import threading
from functools import lru_cache
from pathlib import Path

KATEX_VERSION = "0.16.22"
KATEX_JS = Path(__file__).parent / "vendor" / "katex" / "katex.min.js"
_TIMEOUT_S = 10.0  # a runaway macro expansion must not hang the build

# strict "ignore": KaTeX's "warn" mode would call console.warn, which bare V8 lacks;
# unicode text in math is fine in a blog.  throwOnError: errors come back as exceptions,
# so nothing with KaTeX's red error markup ever reaches a page.
_RENDER_JS = """
function nbpressRender(items, macros) {
  return items.map(function (item) {
    try {
      return [katex.renderToString(item[0], {displayMode: item[1], throwOnError: true,
        output: "htmlAndMathml", strict: "ignore", trust: false,
        macros: Object.assign({}, macros)}), ""];
    } catch (error) {
      return ["", String(error && error.message || error)];
    }
  });
}
"""
_CACHE_SIZE = 100_000  # rendered expressions kept (a few KB each); then the cache starts over


QUICK_LIMIT = 300  # expressions QuickJS renders in a process before V8 takes over


class _V8:
    """One V8 context with KaTeX loaded."""

    def __init__(self) -> None:
        from py_mini_racer import MiniRacer  # only sites with much math pay for V8

        self.context = MiniRacer()
        self.context.eval(KATEX_JS.read_text(encoding="utf-8"))
        self.context.eval(_RENDER_JS)
        # Close V8 before the interpreter finalises: left to garbage collection at exit,
        # mini-racer can wait forever on a V8 thread that is already gone.
        atexit.register(self.context.close)

    def render(self, items: list[list], macros: dict[str, str]) -> list[tuple[str, str]]:
        return [tuple(found) for found in
                self.context.call("nbpressRender", items, macros, timeout_sec=_TIMEOUT_S)]


class _QuickJS:
    """One QuickJS context with KaTeX loaded."""

    def __init__(self) -> None:
        import quickjs

        self.context = quickjs.Context()
        self.context.set_time_limit(_TIMEOUT_S)
        self.context.eval(KATEX_JS.read_text(encoding="utf-8"))
        self.context.eval(_RENDER_JS)

    def render(self, items: list[list], macros: dict[str, str]) -> list[tuple[str, str]]:
        # Through JSON both ways: QuickJS hands back JavaScript objects, not Python lists.
        found = self.context.eval(f"JSON.stringify(nbpressRender({json.dumps(items)}, "
                                  f"{json.dumps(macros)}))")
        return [tuple(pair) for pair in json.loads(found)]


class _Engine:
    """This process's KaTeX: QuickJS, then V8 once it has rendered ``QUICK_LIMIT``
    expressions (or from the start after ``bulk()``), and what it rendered, by content.
    The engines are not for concurrent use, hence the lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cache: dict[tuple, tuple[str, str]] = {}
        self.rendered = 0
        self.bulk = False
        self._quick: _QuickJS | None = None
        self._v8: _V8 | None = None

    @property
    def name(self) -> str:
        """The engine the next expressions go to."""
        return "v8" if self.bulk or self.rendered >= QUICK_LIMIT else "quickjs"

    def render(self, items: list[list], macros: dict[str, str]) -> list[tuple[str, str]]:
        """(HTML, KaTeX's error message) per item, in one call into the engine: crossing
        into it costs more than KaTeX's work on a short expression.  Each item gets a fresh
        copy of ``macros`` (KaTeX writes \\gdef'd ones into it)."""
        with self.lock:
            if self.name == "v8":
                if self._v8 is None:
                    self._v8 = _V8()
                    self._quick = None  # its memory goes
                engine = self._v8
            else:
                if self._quick is None:
                    self._quick = _QuickJS()
                engine = self._quick
            self.rendered += len(items)
            return engine.render(items, macros)


@lru_cache(maxsize=1)
def _engine() -> _Engine:
    return _Engine()


def bulk() -> None:
    """This process renders much math (a render worker): V8 from the start."""
    _engine().bulk = True


def _reason(message: str) -> str:
    """KaTeX's message, in a sentence."""
    found = re.search(r"KaTeX parse error: (.*)", message, re.S)
    if found:
        # KaTeX underlines the culprit with U+0332 combining marks: unreadable in a terminal
        shown = " ".join(found.group(1).replace("\u0332", "").split()).rstrip(".")
        return "KaTeX cannot parse it (" + shown + ")"
    return "KaTeX cannot render it (" + " ".join(message.split())[:200] + ")"


Macros = tuple[tuple[str, str], ...]


def render_many(items: list[tuple[str, bool]], macros: Macros = ()) -> list[tuple[str, str]]:
    """(HTML, "") or ("", why it cannot be rendered) for each (TeX, display) item.  Items
    rendered before (same TeX, mode and macros) come from the cache; the rest are rendered
    together.  ``macros``: (name, body) pairs such as ``("\\\\R", "\\\\mathbb{R}")``."""
    keys = [(tex.strip(), bool(display), macros) for tex, display in items]
    engine = _engine()
    missing = list(dict.fromkeys(k for k in keys if k[0] and k not in engine.cache))
    if missing:
        try:
            found = engine.render([[tex, display] for tex, display, _ in missing], dict(macros))
        except Exception as exc:  # a timeout, or the engine out of memory
            found = [("", f"{type(exc).__name__}: {exc}")] * len(missing)
        if len(engine.cache) + len(missing) > _CACHE_SIZE:
            engine.cache.clear()
        for key, (html, error) in zip(missing, found):
            engine.cache[key] = (html, _reason(error) if error else "")
    return [engine.cache.get(key, ("", "it is empty")) if key[0] else ("", "it is empty")
            for key in keys]


def render_tex(tex: str, display: bool, macros: Macros = ()) -> tuple[str, str]:
    """TeX → (HTML, ""), or ("", why it cannot be rendered)."""
    return render_many([(tex, display)], macros)[0]


__all__ = ["render_tex", "render_many", "bulk", "KATEX_VERSION", "KATEX_JS", "QUICK_LIMIT"]
