"""Jekyll's own Liquid tags, for python-liquid (used by ``nbpress.liquid``).

- ``{% include note.html text="x" level=page.level %}``: the file from the site
  root's ``_includes/``, rendered with the parameters as ``include.*``;
- ``{% highlight python linenos %}…{% endhighlight %}``: the same
  ``<pre class="highlight">`` HTML as a fenced code block (Pygments), with line
  numbers for ``linenos``; it keeps the block's line count, so that later
  stages' line numbers still match the post's file;
- ``{% post_url 2024-03-19-name %}`` and ``{% link posts/…md %}``: a post's URL;
- ``{% cite key1 key2 -l 23 %}`` (jekyll-scholar): written as ``[@key1; @key2, p. 23]``,
  which nbpress's citations then number and link like any other citation.

The environment these tags run in (``nbpress.liquid.JekyllEnvironment``) holds the
site's links and ``_includes/`` folder; their mistakes are ``JekyllTagError``s,
which carry a hint for the user.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import TextIO

from liquid.ast import BlockNode, Node
from liquid.builtin.output import Output, OutputNode
from liquid.builtin.expressions import StringLiteral, parse_primitive, tokenize
from liquid.context import RenderContext
from liquid.exceptions import LiquidError, LiquidSyntaxError
from liquid.expression import Expression
from liquid.parser import get_parser
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG, Token

_PARAM = re.compile(r"""([\w-]+)\s*=\s*("[^"]*"|'[^']*'|\S+)""")
_FILE_NAME = re.compile(r"[\w][\w./-]*")


class JekyllTagError(LiquidError):
    """A mistake in a Jekyll tag (a missing include or post); ``hint`` says what to do."""

    def __init__(self, message: str, *, token: Token | None, hint: str) -> None:
        super().__init__(message, token=token)
        self.hint = hint


def _words(stream: TokenStream, tag: Token, usage: str, *, block: bool = False) -> str:
    """The text after the tag's name; a syntax error when there is none.  A block tag
    moves past it; an inline one leaves it, as the parser moves on after each tag."""
    if stream.current.kind != TOKEN_EXPRESSION:
        raise LiquidSyntaxError(f"{tag.value} needs {usage}", token=tag)
    text = stream.current.value.strip()
    if block:
        next(stream)
    return text


class IncludeNode(Node):
    """``{% include NAME key=value … %}``."""

    def __init__(self, token: Token, name: str, params: list[tuple[str, Expression]]) -> None:
        super().__init__(token)
        self.name = name
        self.params = params
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        template = context.env.include(self.name, self.token)
        params = {key: value.evaluate(context) for key, value in self.params}
        before = len(context.env.problems)
        with context.extend({"include": params}, template=template):
            template.render_with_context(context, buffer, partial=True)
        for problem in context.env.problems[before:]:  # say which include tag led there
            if getattr(problem, "included_from", None) is None:
                problem.included_from = self.token
        return True


class IncludeTag(Tag):
    """Jekyll's ``include``: a file name written out, then ``key=value`` parameters."""

    name = "include"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        text = _words(stream, token, "a file of _includes/, e.g. {% include note.html %}")
        name, _, rest = text.partition(" ")
        if not _FILE_NAME.fullmatch(name) or ".." in name:
            raise LiquidSyntaxError(f"include expects a file of _includes/, found {name!r}",
                                    token=token)
        params: list[tuple[str, Expression]] = []
        for key, value in _PARAM.findall(rest):
            if value[0] in "\"'":
                params.append((key, StringLiteral(token, value[1:-1])))
            else:
                params.append((key, parse_primitive(self.env, TokenStream(
                    tokenize(value, parent_token=token)))))
        leftover = _PARAM.sub("", rest).strip()
        if leftover:
            raise LiquidSyntaxError(f"include parameters are key=value pairs, found {leftover!r}",
                                    token=token)
        return IncludeNode(token, name, params)


class HighlightNode(Node):
    """``{% highlight LANG [linenos] %}…{% endhighlight %}``."""

    def __init__(self, token: Token, language: str, linenos: bool, block: BlockNode,
                 end: Token) -> None:
        super().__init__(token)
        self.language, self.linenos, self.block, self.end = language, linenos, block, end
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        from .markdown import highlight

        body = StringIO()
        self.block.render(context, body)
        code = body.getvalue().strip("\r\n") + "\n"  # as Jekyll: no blank lines around
        shown = highlight(code, self.language, linenos=self.linenos)
        source_lines = self.token.source.count("\n", self.token.start_index, self.end.start_index)
        buffer.write(shown + "\n" * max(0, source_lines - shown.count("\n")))
        return True


class HighlightTag(Tag):
    """Jekyll's ``highlight`` block; options other than ``linenos`` change nothing."""

    name = "highlight"
    end = "endhighlight"

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        words = _words(stream, token, "a language, e.g. {% highlight python %}",
                       block=True).split()
        block = get_parser(self.env).parse_block(stream, (self.end,))
        end = stream.expect(TOKEN_TAG, value=self.end)
        linenos = any(w == "linenos" or w.startswith("linenos=") for w in words[1:])
        return HighlightNode(token, words[0], linenos, block, end)


class PostLinkNode(Node):
    """``{% post_url NAME %}`` / ``{% link PATH %}``: the URL the site gives that file."""

    def __init__(self, token: Token, target: str) -> None:
        super().__init__(token)
        self.target = target
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        links = context.env.links
        target = self.target.lstrip("/")
        # Jekyll's forms: `_posts/…md` for link, `subfolder/2024-03-19-name` for post_url
        names = [target, re.sub(r"^_posts/", "posts/", target)]
        if self.token.value == "post_url":
            names.append(target.rsplit("/", 1)[-1])
        for name in names:
            if name in links:
                buffer.write(links[name])
                return True
        context.env.error(JekyllTagError(  # reported, and the rendering goes on
            f"'{{% {self.token.value} {self.target} %}}' names no post or file of this site.",
            token=self.token,
            hint="Use the post's file name without extension (e.g. 2024-03-19-my-post)."))
        return False


class PostUrlTag(Tag):
    """Jekyll's ``post_url``."""

    name = "post_url"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        return PostLinkNode(token, _words(stream, token, "the name of a post or file"))


class LinkTag(PostUrlTag):
    """Jekyll's ``link``."""

    name = "link"


class CiteNode(Node):
    """``{% cite KEYS [-l LOCATOR] [--file NAME] %}`` → a Pandoc-style citation."""

    def __init__(self, token: Token, words: list[str]) -> None:
        super().__init__(token)
        keys, locator, skip = [], "", False
        for i, word in enumerate(words):
            if skip:
                skip = False
            elif word in ("-l", "--locator"):
                locator, skip = (words[i + 1] if i + 1 < len(words) else ""), True
            elif word.startswith("-"):
                skip = word in ("-f", "--file", "-L", "--label")  # options with a value
            else:
                keys.append(word)
        self.citation = "; ".join(f"@{key}" for key in keys)
        if locator and keys:
            self.citation += f", p. {locator}"
        self.blank = False

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        buffer.write(f"[{self.citation}]")
        return True


class CiteTag(Tag):
    """jekyll-scholar's ``cite``."""

    name = "cite"
    block = False

    def parse(self, stream: TokenStream) -> Node:
        token = stream.eat(TOKEN_TAG)
        return CiteNode(token, _words(stream, token, "a citation key, e.g. {% cite smith2020 %}"
                                      ).split())


class ReportingOutputNode(OutputNode):
    """``{{ … }}`` that reports its mistake and goes on, so that every mistake inside an
    ``{% if %}`` or ``{% for %}`` block is reported, not only the block's first."""

    __slots__ = ()

    def render_to_output(self, context: RenderContext, buffer: TextIO) -> int:
        try:
            return super().render_to_output(context, buffer)
        except LiquidError as exc:
            context.env.error(exc, token=self.token)
            return False


class ReportingOutput(Output):
    """Liquid's ``{{ … }}`` with ``ReportingOutputNode``s."""

    node_class = ReportingOutputNode


def register(env) -> None:
    """Add Jekyll's tags to a python-liquid environment (``raw`` is Liquid's own)."""
    for tag in (IncludeTag, HighlightTag, PostUrlTag, LinkTag, CiteTag, ReportingOutput):
        env.add_tag(tag)


def include_files(folder: Path | None) -> list[str]:
    """The files in ``_includes/`` (for a hint), relative to it."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
