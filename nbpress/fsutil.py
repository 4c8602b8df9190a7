"""Atomic replacement of folders, shared by the site writer and the execution cache, and
whether a file of this machine's caches is the user's own."""

from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths (Linux ``renameat2``); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def replace_dir(new: Path, final: Path) -> None:
    """Put the folder ``new`` at ``final``, removing what was there, atomically where possible.

    Readers see either the old folder or the new one, never a mix; where the
    system has no exchange call, there is a moment with neither.
    """
    if not final.exists():
        new.rename(final)
        return
    if not exchange(new, final):
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
        new.rename(final)
        new = old
    shutil.rmtree(new, ignore_errors=True)  # now the previous content


def private(path: Path | os.stat_result) -> bool:
    """Whether ``path`` (or the file whose ``stat`` it is) is this user's and nobody else may
    write it: a cache holding pickled or compiled code from anyone else could run that code,
    so such a file is read around."""
    st = path if isinstance(path, os.stat_result) else path.stat()
    mine = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return mine and not st.st_mode & 0o022
