"""A start-up cache of the loaded curricula.

Parsing and validating every module, quiz and translation costs a noticeable fraction of a
second on a cheap phone, at every cold start, for files that never change between updates.
The loaded model is pickled into the device's data directory, keyed by a fingerprint of
every file's path, size and modification time; any change to any file means a fresh load.
Only a curriculum that loaded without errors is cached. The cache lives in app-private
storage (the same place as the database), so it is as trusted as the database itself.
"""

from __future__ import annotations

import copyreg
import hashlib
import logging
import os
import pickle
import tempfile
import types
from pathlib import Path

from ..errors import DataError
from .loader import check_curricula, default_curricula_dir
from .model import Curriculum

log = logging.getLogger("waymark.curricula")
FORMAT_VERSION = "1"

# The model uses read-only mappings; teach pickle to rebuild them.
def _mappingproxy(items: dict) -> types.MappingProxyType:
    return types.MappingProxyType(items)


copyreg.pickle(types.MappingProxyType, lambda m: (_mappingproxy, (dict(m),)))


def fingerprint(root: Path) -> str:
    h = hashlib.sha256(FORMAT_VERSION.encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            st = p.stat()
            h.update(f"{p.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    try:  # a new version of the loader or model must not read an old cache
        from ... import __version__
    except ImportError:  # pragma: no cover
        __version__ = "?"
    h.update(__version__.encode())
    return h.hexdigest()[:32]


def load_with_cache(root: str | Path | None, cache_dir: str | Path | None) -> tuple[Curriculum | None, list[DataError]]:
    """Like check_curricula, but served from the cache when nothing has changed."""
    root = Path(root) if root is not None else default_curricula_dir()
    if cache_dir is None or not root.is_dir():
        return check_curricula(root)
    cache_dir = Path(cache_dir)
    path = cache_dir / f"curricula-{fingerprint(root)}.pickle"
    if path.is_file():
        try:
            with path.open("rb") as fh:
                curriculum = pickle.load(fh)
            if isinstance(curriculum, Curriculum):
                return curriculum, []
        except Exception:  # a corrupt cache is only a slower start
            log.warning("curricula cache unreadable; reloading", exc_info=True)
    curriculum, errors = check_curricula(root)
    if curriculum is not None and not errors:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for old in cache_dir.glob("curricula-*.pickle"):
                old.unlink(missing_ok=True)
            with tempfile.NamedTemporaryFile(dir=cache_dir, delete=False, suffix=".tmp") as fh:
                pickle.dump(curriculum, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(fh.name, path)
        except OSError:
            log.warning("could not write the curricula cache", exc_info=True)
    return curriculum, errors
