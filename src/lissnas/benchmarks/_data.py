"""Locating benchmark files: ``--data-dir`` / ``data_dir=``, else ``$LISSNAS_DATA_DIR``."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "LISSNAS_DATA_DIR"


class MissingDataError(FileNotFoundError):
    """A benchmark file is absent; the message says which, where it was looked for and
    where to obtain it."""


def resolve_data_dir(data_dir: str | os.PathLike[str] | None) -> Path | None:
    """The explicit ``data_dir``, else ``$LISSNAS_DATA_DIR``, else ``None``."""
    if data_dir is not None:
        return Path(data_dir)
    env = os.environ.get(DATA_DIR_ENV)
    return Path(env) if env else None


def find_data_file(relative: str, data_dir: str | os.PathLike[str] | None, *, source: str) -> Path:
    """Path of ``relative`` under the data directory, or ``MissingDataError``.

    ``source`` names where a user obtains the file (printed in the error).
    """
    root = resolve_data_dir(data_dir)
    if root is None:
        raise MissingDataError(
            f"benchmark file {relative!r} needs a data directory: pass --data-dir DIR "
            f"(data_dir=DIR in Python) or set {DATA_DIR_ENV}; obtain the file from {source}"
        )
    path = root / relative
    if not path.is_file():
        raise MissingDataError(
            f"benchmark file {relative!r} not found at {path} (data directory {root}); "
            f"obtain it from {source}"
        )
    return path
