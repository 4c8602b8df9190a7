"""The python-liquid environment a post's Liquid is rendered in (used by ``nbpress.liquid``).

Lax, so that parsing and rendering go on after a mistake, with every mistake
kept in ``problems`` instead of raised: a post's mistakes are all reported in
one build.  It has Jekyll's filters and tags, the site's links for
``{% post_url %}``/``{% link %}``, and the site's ``_includes/`` folder.
Imported only when a post is rendered (python-liquid is not needed before).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from liquid import Environment, Mode
from liquid.exceptions import LiquidError
from liquid.undefined import UNDEFINED, FalsyStrictUndefined, StrictUndefined, Undefined

from . import liquid_filters, liquid_tags


class JekyllUndefined(FalsyStrictUndefined):
    """An unknown variable: an error when output, filtered or looped over (a typo must not
    vanish from the page), but false in ``{% if %}``/``{% unless %}`` and nil in comparisons,
    and ``| default:`` applies: Jekyll posts and includes test optional values that way
    (``{% if include.caption %}``)."""

    __slots__ = ()
    force_liquid_default = True
    allowed_properties = FalsyStrictUndefined.allowed_properties | {"__contains__"}
    __hash__ = StrictUndefined.__hash__

    def __eq__(self, other: object) -> bool:
        return other is None or other is False

    def __contains__(self, item: object) -> bool:
        return False


class ShownEmpty(Undefined):
    """An unknown variable shown as "" (Jekyll's default), in a post whose front matter says
    ``liquid_undefined: empty`` (``liquidcompat.py``); each one shown is noted in ``shown``
    for the post's warning.  Only what is unknown when the template runs is: a loop's or an
    ``{% assign %}``'s variable is known."""

    __slots__ = ("shown",)

    def __init__(self, name: str, *, shown: list, token=None, obj: object = UNDEFINED,
                 hint: str | None = None) -> None:
        super().__init__(name, token=token, obj=obj, hint=hint)
        self.shown = shown

    def __str__(self) -> str:
        self.shown.append(self)
        return ""


class JekyllEnvironment(Environment):
    """Liquid with Jekyll's tags and filters; mistakes collected, includes read once.
    With ``blank``, unknown variables are shown as "" and noted in ``shown_empty``."""

    def __init__(self, links: Mapping[str, str], includes: Path | None,
                 blank: bool = False) -> None:
        super().__init__(tolerance=Mode.LAX, undefined=JekyllUndefined)
        self.shown_empty: list[ShownEmpty] = []
        if blank:  # python-liquid only ever calls it: a function making them will do
            self.undefined = lambda name, **kw: ShownEmpty(  # type: ignore[assignment]
                name, shown=self.shown_empty, **kw)
        self.problems: list[LiquidError] = []
        self.links = links
        self.includes = includes
        self.sources: dict[str, Path] = {}  # an include's text → its file, for errors
        self._included: dict[str, Any] = {}

    def error(self, exc, msg=None, token=None) -> None:  # python-liquid's hook, never raises
        """Keep the mistake (python-liquid raises, warns or ignores it by mode)."""
        if not isinstance(exc, LiquidError):
            exc = exc(msg, token=token)
        elif not exc.token:
            exc.token = token
        self.problems.append(exc)

    def add_tag(self, tag) -> None:
        """Register a tag; a mistake at the end of its expression gets the tag's place."""
        super().add_tag(tag)
        instance = self.tags[tag.name]
        parse = instance.get_node

        def get_node(stream):
            # python-liquid reports "found end of expression" with its end-of-stream
            # token, which has no place in the text: use the tag's.
            start, before = stream.current, len(self.problems)
            node = parse(stream)
            for problem in self.problems[before:]:
                if problem.token is None or not problem.token.source:
                    problem.token = start
            return node

        instance.get_node = get_node

    def include(self, name: str, token):
        """The template of ``_includes/NAME`` (parsed once per post)."""
        if name not in self._included:
            path = (self.includes / name) if self.includes else None
            try:
                source = path.read_text(encoding="utf-8") if path else None
            except (OSError, UnicodeDecodeError):
                source = None
            if source is None:
                found = liquid_tags.include_files(self.includes)
                raise liquid_tags.JekyllTagError(
                    f"'{{% include {name} %}}': there is no _includes/{name}.", token=token,
                    hint=("Files in _includes/: " + ", ".join(found) + "." if found else
                          "Put the file in the _includes/ folder next to posts/."))
            self.sources[source] = path
            self._included[name] = self.from_string(source, name=name)
        return self._included[name]


def make_environment(site: Mapping[str, Any], links: Mapping[str, str], includes: Path | None,
                     markdownify: Callable[[str], str], blank: bool = False
                     ) -> JekyllEnvironment:
    """An environment for one post of this site (``blank``: unknown variables shown as "")."""
    env = JekyllEnvironment(links, includes, blank)
    liquid_filters.register(env, site, markdownify)
    liquid_tags.register(env)
    return env
