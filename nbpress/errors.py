"""The errors a user sees.

Every problem nbpress reports about a user's input is an ``NbpressError``: it
names the file, the line (or cell) and says what to do.  ``str()`` gives the
one-paragraph message printed by the command line; nbpress's own traceback is
never shown for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in a user's file a problem is: path, 1-based line, notebook cell."""

    path: Path | None = None
    line: int | None = None
    cell: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return ""
        try:  # shorter and clickable in a terminal: relative to where the command runs
            # The folder resolved, not the file: a post that is a link is named as the link.
            text = str((self.path.parent.resolve() / self.path.name).relative_to(Path.cwd()))
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop
            text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
        if self.cell is not None:
            text += f" (cell {self.cell})"
        return text


class NbpressError(Exception):
    """A problem with the user's input or environment, reported without a traceback.

    ``message`` says what is wrong, ``hint`` what to do about it, and ``detail``
    carries a block of text shown verbatim below (e.g. a cell's traceback).
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        cell: int | None = None,
        hint: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.message = message
        self.location = Location(Path(path) if path is not None else None, line, cell)
        self.hint = hint
        self.detail = detail
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" {self.hint}"
        if self.detail:
            text += "\n" + self.detail.rstrip()
        return text


class ConfigError(NbpressError):
    """``[tool.nbpress]`` in pyproject.toml is wrong."""


class PostError(NbpressError):
    """A post's front matter or Markdown is wrong."""


class PostErrors(PostError):
    """Several mistakes found in one post at once (every Liquid mistake, say): ``errors``."""

    def __init__(self, errors: list[NbpressError]) -> None:
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.message, path=first.location.path, line=first.location.line,
                         hint=first.hint)

    def __str__(self) -> str:
        return "\n\n".join(map(str, self.errors))


def each_error(exc: NbpressError) -> list[NbpressError]:
    """The errors an exception stands for: its list for ``PostErrors``, else itself."""
    return list(exc.errors) if isinstance(exc, PostErrors) else [exc]


class ExecutionError(NbpressError):
    """A post's code failed while the site was being built."""


class TemplateError(NbpressError):
    """A theme template is wrong."""


class CacheDamaged(Exception):
    """An entry of the execution cache cannot be used; the post is executed again.

    Not a user error: the message is the reason shown by ``--explain``.
    """


class BuildFailed(Exception):
    """Raised with every error when a build cannot produce a site."""

    def __init__(self, errors: list[NbpressError]) -> None:
        self.errors = errors
        super().__init__("\n\n".join(map(str, errors)))


# Ends the message of a warning about a failure that may not happen again (an exporter
# that timed out under load), as "…; the next build tries again).": the rendering that met
# it is not kept (``RenderRecord.of``).  (Messages that quote a post's text end otherwise.)
TRIED_AGAIN = "the next build tries again"


@dataclass(frozen=True)
class BuildWarning:
    """A problem worth telling the user about that does not stop the build."""

    message: str
    path: Path | None = None
    line: int | None = None

    @property
    def passing(self) -> bool:
        """Whether the next build tries again what this warns of (``TRIED_AGAIN``)."""
        return self.message.endswith(f"; {TRIED_AGAIN}).")

    def __str__(self) -> str:
        where = str(Location(self.path, self.line))
        return f"{where}: warning: {self.message}" if where else f"warning: {self.message}"
