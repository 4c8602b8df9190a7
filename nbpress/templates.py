"""The jinja2 environment over the theme: the site's ``templates/`` first, then the default.

Built once per build and passed explicitly.  Autoescaping is on, and an
undefined variable is an error (a misspelt name must fail, not render empty).
Compiled templates are kept between builds (Jinja's bytecode cache) in the
site's ``.nbpress-cache/``: compiling the theme took a tenth of a second of
every build that renders a page, and again in each forked copy rendering them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any, Mapping

import jinja2

from .errors import TemplateError
from .fsutil import private
from .state import code_digest

_COMPILED = "templates-"  # the folder of compiled templates, by nbpress's code and Jinja


def make_environment(theme_dirs: tuple[Path, ...], cache: Path | None = None
                     ) -> jinja2.Environment:
    """One environment whose loader searches ``<dir>/templates`` for each theme dir;
    ``cache``: the folder (``.nbpress-cache``) where compiled templates are kept."""
    loader = jinja2.FileSystemLoader([str(d / "templates") for d in theme_dirs])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             bytecode_cache=compiled_templates(cache) if cache else None)
    env.filters["date_format"] = lambda d, fmt="%b %-d, %Y": d.strftime(fmt)
    # Jinja's ``dict`` is the type itself: ``dict.get(post, "title")`` would read a post
    # past the record of what a page read (``pagereads.py``).  ``dict(a=1)`` still works.
    env.globals["dict"] = _new_dict
    return env


def _new_dict(*args: Any, **kwargs: Any) -> dict:
    """A new dictionary, as ``dict(...)`` makes one (Jinja's global ``dict``)."""
    return dict(*args, **kwargs)


class _Compiled(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates (keyed by each template's file and checked
    against its text), where a file that cannot be read, or that is not the user's alone
    (checked on the file opened, each time), means compiling again, and one that cannot be
    written means nothing: it only ever saves time."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            handle = os.open(self._get_cache_filename(bucket),
                             os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:  # none yet, or a link: compile
            return
        with os.fdopen(handle, "rb") as file:
            if not private(os.fstat(handle)):
                return
            try:
                bucket.load_bytecode(file)
            except Exception:  # noqa: BLE001 - damaged (the checksum is a pickle): compile
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def compiled_templates(cache: Path) -> jinja2.BytecodeCache | None:
    """The cache of compiled templates in ``cache``, in a folder of its own for this code of
    nbpress and version of Jinja (the compiled code also follows the environment's settings,
    which the cache's key does not hold); other such folders are removed.  None when the
    folder cannot be made, or is not the user's alone (its files are unpickled)."""
    key = hashlib.sha256(f"{code_digest()} {jinja2.__version__}".encode()).hexdigest()[:16]
    folder = cache / f"{_COMPILED}{key}"
    try:
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True)
            for old in cache.glob(f"{_COMPILED}*"):
                if old != folder:
                    shutil.rmtree(old, ignore_errors=True)
        if not private(folder):
            return None
    except OSError:
        return None
    return _Compiled(str(folder))


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
