"""The jinja2 environment over the theme: the site's ``templates/`` first, then the default.

Built once per build and passed explicitly.  Autoescaping is on, and an
undefined variable is an error (a misspelt name must fail, not render empty).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import jinja2

from .errors import TemplateError


def make_environment(theme_dirs: tuple[Path, ...]) -> jinja2.Environment:
    """One environment whose loader searches ``<dir>/templates`` for each theme dir."""
    loader = jinja2.FileSystemLoader([str(d / "templates") for d in theme_dirs])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["date_format"] = lambda d, fmt="%b %-d, %Y": d.strftime(fmt)
    return env


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render ``name``; template mistakes become ``TemplateError`` naming file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"template syntax error: {exc.message.rstrip('.')}.",
                            path=exc.filename or name, line=exc.lineno,
                            hint="Fix the template; see https://jinja.palletsprojects.com/templates/."
                            ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template '{exc.name}' not found in the theme.",
                            hint="Add it to templates/, or fix the {% extends %} or {% include %} naming it."
                            ) from None
    except jinja2.UndefinedError as exc:
        import traceback

        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename.endswith((".html", ".xml", ".txt"))]
        where = frames[-1] if frames else None
        raise TemplateError(f"template uses an undefined variable: {str(exc.message).rstrip('.')}.",
                            path=where.filename if where else name,
                            line=where.lineno if where else None,
                            hint="Check the variable's spelling; see the README for the "
                                 "variables templates get.") from None
