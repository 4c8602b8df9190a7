"""MyST Markdown markup in a post's prose: directives, roles, targets, breaks and comments.

Notebooks written for Jupyter Book and MyST-NB use MyST inside their Markdown
cells (```` ```{note} ````, ``{math}`x^2` ``, ``(label)=``, ``+++``, ``% comment``).
CommonMark alone would show all of it as raw text.  This markdown-it plugin
(on top of mdit-py-plugins' MyST role and block parsers) renders the common
directives and roles as Jupyter Book does, and anything it does not know is
shown readably (its body as Markdown, a role's text as code) with a warning
naming the line — never as raw markup without a word.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from .crossref import LABEL, REFERENCES

MARKUP_PROBLEMS = "nbpress_markup"  # the renderer's env key: [(0-based line, source, message)]
ADMONITIONS = {"note", "warning", "tip", "important", "hint", "caution", "danger", "attention",
               "error", "seealso", "admonition"}
_DIRECTIVE = re.compile(r"^\{([\w:-]+)\}\s*(.*)$")
_OPTION = re.compile(r"^:([\w-]+):\s*(.*)$")
_DROPPED = {"toctree", "tableofcontents", "contents", "bibliography"}  # site-level in Jupyter Book


def _problem(env: dict, line: int, source: str, message: str) -> None:
    env.setdefault(MARKUP_PROBLEMS, []).append((line, source, message))


def split_directive(content: str) -> tuple[dict[str, str], str]:
    """(options, body) of a directive: ``:key: value`` lines or a ``---`` YAML block first."""
    lines = content.splitlines()
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            import yaml

            try:
                data = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError:
                data = {}
            options = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
            lines = lines[end + 1:]
    else:
        while lines and _OPTION.match(lines[0]):
            key, value = _OPTION.match(lines[0]).groups()
            options[key] = value
            lines = lines[1:]
    return options, "\n".join(lines).strip("\n")


def _admonition(render: Any, name: str, argument: str, options: dict, body: str) -> str:
    title = argument if name == "admonition" else (argument or name.capitalize())
    if name == "seealso" and not argument:
        title = "See also"
    inner = render(body)
    classes = f"admonition {name} {options.get('class', '')}".strip()
    if "dropdown" in options.get("class", "").split():
        return (f'<details class="{html.escape(classes)}"><summary>{html.escape(title)}'
                f"</summary>\n{inner}</details>\n")
    return (f'<aside class="{html.escape(classes)}" role="note"><p class="admonition-title">'
            f"{html.escape(title)}</p>\n{inner}</aside>\n")


def _figure(render: Any, name: str, argument: str, options: dict, body: str) -> str:
    alt = options.get("alt", body.split("\n\n")[0] if name == "figure" else "")
    size = "".join(f"{k}:{options[k]};" for k in ("width", "height") if k in options)
    size = f' style="{html.escape(size)}"' if size else ""
    img = f'<img src="{html.escape(argument)}" alt="{html.escape(alt)}"{size}>'
    if name == "image":
        return f"<p>{img}</p>"
    label = options.get("name") or options.get("label")
    ident = f' id="{html.escape(label)}"' if label else ""
    caption = f"<figcaption>{render(body)}</figcaption>" if body else ""
    return f"<figure{ident}>{img}{caption}</figure>"


def render_directive(md: MarkdownIt, token: Any, env: dict) -> str:
    """One ```` ```{name} argument ```` block → HTML (a fence whose info is ``{name}``)."""
    from .markdown import MATH_MACROS, highlight, math

    name, argument = _DIRECTIVE.match(token.info.strip()).groups()
    options, body = split_directive(token.content)
    line = token.map[0] if token.map else 0
    # The body's first line in the document (after the fence and the options), which the
    # problems found rendering it are counted from.
    first = line + 1 + token.content[:max(token.content.find(body), 0)].count("\n")

    def render(text: str) -> str:
        return _nested(md, text, env, first)
    if name in ADMONITIONS:
        return _admonition(render, name, argument, options, body)
    if name in ("figure", "image"):
        return _figure(render, name, argument, options, body)
    if name == "math":
        label = options.get("label") or options.get("name")
        ident = f' id="{html.escape(label)}"' if label else ""
        return f'<div class="math display"{ident}>{math(body, True, md.options.get(MATH_MACROS, ()))}</div>'
    if name in ("code-block", "code", "sourcecode", "code-cell"):
        if name == "code-cell":  # shown, not run: the reader warned already
            return highlight(body, "python")
        return highlight(body, argument or "text")
    if name in ("margin", "sidebar", "epigraph", "pull-quote", "div", "card", "topic"):
        tag = "blockquote" if name in ("epigraph", "pull-quote") else "aside"
        return f'<{tag} class="{name}">{render(body)}</{tag}>'
    if name == "raw" and argument.strip().lower() == "html":
        return body + "\n"
    if name in _DROPPED:
        _problem(env, line, token.info, f"the MyST directive '{{{name}}}' builds a Jupyter Book "
                 "site's table of contents or bibliography; nbpress leaves it out.")
        return ""
    _problem(env, line, token.info, f"the MyST directive '{{{name}}}' is not one nbpress knows; "
             "its content is shown as plain Markdown. Use a note, figure, math or code-block "
             "directive, or plain Markdown.")
    return f'<div class="directive {html.escape(name)}">{render(body)}</div>'


def _nested(md: MarkdownIt, text: str, env: dict, first: int) -> str:
    """``text`` (a directive's body, from the document's line ``first``) rendered with the
    document's ``env``: the problems found in it name lines of the document, not of the body."""
    from .fences import FENCE_PROBLEMS
    from .markdown import MATH_PROBLEMS

    keys = (MATH_PROBLEMS, MARKUP_PROBLEMS, FENCE_PROBLEMS)
    before = {key: len(env.get(key, ())) for key in keys}
    shown = md.render(text, env)
    for key, count in before.items():
        found = env.get(key, [])
        found[count:] = [(line + first, *rest) for line, *rest in found[count:]]
    return shown


def render_role(name: str, content: str, env: dict, line: int, macros: tuple = ()) -> str:
    """One ``{name}`content``` role → HTML (``macros``: the site's math macros)."""
    from .markdown import math

    text = html.escape(content)
    target = re.match(r"^(.*?)\s*<([^<>]+)>$", content)  # {ref}`text <label>`
    label_text, label = (target.group(1), target.group(2)) if target else (content, content)
    if name == "math":
        return math(content, False, macros)
    if name == "numref" and re.fullmatch(LABEL, label):  # numbered by crossref.py
        env.setdefault(REFERENCES, []).append((label, line))
        template = html.escape(label_text) if target else ""
        return (f'<a class="xref" href="#{html.escape(label)}" data-xref="{template}">'
                f"{html.escape(label_text)}</a>")
    if name in ("ref", "numref", "doc", "eq", "term", "download"):
        shown = f"({html.escape(label_text)})" if name == "eq" else html.escape(label_text)
        href = label if name in ("doc", "download") else "#" + label.split("#")[-1]
        return f'<a href="{html.escape(href)}">{shown}</a>'
    simple = {"sub": "sub", "sup": "sup", "kbd": "kbd", "code": "code", "abbr": "abbr",
              "samp": "samp", "file": "code", "command": "strong", "guilabel": "strong"}
    if name in simple:
        if name == "abbr":
            found = re.match(r"^(.*?)\s*\((.*)\)$", content)
            if found:
                return (f'<abbr title="{html.escape(found.group(2))}">'
                        f"{html.escape(found.group(1))}</abbr>")
        return f"<{simple[name]}>{text}</{simple[name]}>"
    advice = " Write [@key] to cite." if name.startswith("cite") else ""
    _problem(env, line, f"{{{name}}}`{content}`", f"the MyST role '{{{name}}}' is not one "
             f"nbpress knows; its text is shown as code.{advice}")
    return f"<code>{text}</code>"


def myst_plugin(md: MarkdownIt) -> None:
    """Parse and render MyST directives, roles, targets, block breaks and comments."""
    md.use(myst_role_plugin).use(myst_block_plugin).use(colon_fence_plugin)
    fence = md.renderer.rules.get("fence")

    def render_fence(renderer, tokens, idx, options, env):
        token = tokens[idx]
        if _DIRECTIVE.match(token.info.strip()):
            return render_directive(md, token, env)
        return fence(tokens, idx, options, env)

    def render_role_token(renderer, tokens, idx, options, env):
        token = tokens[idx]
        return render_role(token.meta.get("name", ""), token.content, env,
                           token.meta.get("line", 0), options.get("nbpress_math_macros", ()))

    def render_target(renderer, tokens, idx, options, env):
        return f'<span id="{html.escape(tokens[idx].content.strip())}"></span>\n'

    def role_lines(state) -> None:  # roles are inline: they take their paragraph's line
        for token in state.tokens:
            if token.type == "inline" and token.map:
                for child in token.children or []:
                    if child.type == "myst_role":
                        child.meta["line"] = token.map[0]

    md.core.ruler.push("myst_role_lines", role_lines)
    md.add_render_rule("fence", render_fence)
    md.add_render_rule("colon_fence", render_fence)
    md.add_render_rule("myst_role", render_role_token)
    md.add_render_rule("myst_target", render_target)
    md.add_render_rule("myst_block_break", lambda *_: "")
    md.add_render_rule("myst_line_comment", lambda *_: "")
