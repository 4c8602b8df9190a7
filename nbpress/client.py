"""nbclient's ``NotebookClient``, tolerant of outputs the notebook format cannot hold.

A cell can publish any JSON as an output (``display({'text/plain': 5}, raw=True)``, an
SVG given as a dict).  nbclient validates each output as it arrives and raises
``NotebookValidationError`` from deep inside the run, which ends the post with a
traceback.  Here such values are left out of the output before nbclient sees them,
and the output's metadata says which, so that rendering warns about each (outputs.py).
"""

from __future__ import annotations

from typing import Any

from nbclient import NotebookClient

from .model import CUT_MARK

DROPPED = "nbpress_dropped"  # output metadata: {MIME type: why its value was left out}


def _holds(mime: str, value: Any) -> bool:
    """Whether the notebook format accepts ``value`` for ``mime`` (nbformat v4's schema)."""
    if mime.startswith("application/") and mime.endswith("json"):
        return True
    return isinstance(value, str) or isinstance(value, list) and \
        all(isinstance(line, str) for line in value)


def sanitised(msg: dict[str, Any]) -> dict[str, Any]:
    """``msg`` with the data the notebook format cannot hold left out, and noted."""
    content = msg.get("content")
    data = content.get("data") if isinstance(content, dict) else None
    if not isinstance(data, dict):
        return msg
    metadata = content.get("metadata")
    metadata = metadata if isinstance(metadata, dict) else {}
    dropped = {mime: f"its value is of type {type(value).__name__}, not text"
               for mime, value in data.items() if not _holds(mime, value)}
    if not dropped and metadata is content.get("metadata"):
        return msg
    if dropped:
        metadata = {**metadata, DROPPED: dropped}
    kept = {mime: value for mime, value in data.items() if mime not in dropped}
    return {**msg, "content": {**content, "data": kept, "metadata": metadata}}


def _cut(text: Any, limit: int) -> Any:
    """``text`` cut to ``limit`` bytes, ended by ``CUT_MARK``; other values as they are."""
    if not isinstance(text, str) or len(text) <= limit // 4 or len(data := text.encode()) <= limit:
        return text
    return data[:limit].decode(errors="ignore") + CUT_MARK.format(len(data) - limit)


def capped(msg: dict[str, Any], limit: int) -> dict[str, Any]:
    """``msg`` with a stream's text, or an output's plain text, cut to ``limit`` bytes."""
    content = msg.get("content")
    if not isinstance(content, dict):
        return msg
    if msg.get("msg_type") == "stream" and "text" in content:
        return {**msg, "content": {**content, "text": _cut(content["text"], limit)}}
    data = content.get("data")
    if isinstance(data, dict) and "text/plain" in data:
        data = {**data, "text/plain": _cut(data["text/plain"], limit)}
        return {**msg, "content": {**content, "data": data}}
    return msg


class Client(NotebookClient):
    """``NotebookClient`` whose outputs are always valid notebook data, text cut at
    ``output_bytes`` (a plain attribute: set it after creating the client)."""

    output_bytes = 2_000_000

    def create_kernel_manager(self):  # noqa: D102 (nbclient's)
        from .kernels import spec_manager

        self.km = self.kernel_manager_class(kernel_name=self.kernel_name, config=self.config,
                                            kernel_spec_manager=spec_manager())
        return self.km

    def output(self, outs, msg, display_id, cell_index):  # noqa: D102 (nbclient's)
        msg = capped(sanitised(msg), self.output_bytes)
        return super().output(outs, msg, display_id, cell_index)

    def _update_display_id(self, display_id, msg):  # noqa: D102 (nbclient's)
        return super()._update_display_id(display_id, sanitised(msg))

    def _cleanup_kernel(self) -> None:
        # nbclient registers this with atexit while a kernel runs; after Ctrl-C or SIGTERM
        # the scheduler has already killed the kernel, and nbclient's own clean-up then
        # fails (an AssertionError on its stopped event loop) with a traceback at exit.
        try:
            super()._cleanup_kernel()
        except Exception:
            pass


__all__ = ["DROPPED", "Client", "capped", "sanitised"]
