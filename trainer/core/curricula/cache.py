"""A compiled, hash-checked cache of the loaded curricula.

Parsing and validating every module, quiz and translation (Markdown, about 650 KB of TOML)
costs a noticeable fraction of a second on a cheap phone, for files that never change
between updates. So the loaded model is compiled once (at first run, or ahead of time with
`trainer curricula compile`) into one file, and every later start reads that instead:

* the file is named by a fingerprint of the sources: SHA-256 over every file's relative path
  and *content* (not its modification time, which packaging rewrites), the cache format and
  the app version. Any change to any source means a fresh load and a new file;
* the file starts with a header holding the SHA-256 of its payload, checked before the
  payload is read: a torn or corrupt file is only a slower start, never a wrong curriculum;
* only a curriculum that loaded without errors is compiled. `trainer curricula check`
  always validates the sources and never reads this cache.

The cache lives in app-private storage (next to the database), or in a folder packaged with
the app: `curricula-compiled/` beside the curricula folder (or the folder named by
`WAYMARK_CURRICULA_CACHE`), read-only, filled before `flet build` by
`trainer curricula compile --out curricula-compiled`. Either is as trusted as the database
and the app itself. A packaged file whose fingerprint does not match is simply not used.

Loading from the cache imports no parser: the loader (Python-Markdown, tomllib) is imported
only when the sources have to be read.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import logging
import os
import pickle
import types
from pathlib import Path

from ..errors import DataError
from .model import Curriculum
from .paths import default_curricula_dir

log = logging.getLogger("waymark.curricula")
FORMAT_VERSION = "2"
MAGIC = b"WAYMARK-CURRICULA"
PACKAGED_ENV = "WAYMARK_CURRICULA_CACHE"
PACKAGED_NAME = "curricula-compiled"


# The model uses read-only mappings; teach pickle to rebuild them.
def _mappingproxy(items: dict) -> types.MappingProxyType:
    return types.MappingProxyType(items)


copyreg.pickle(types.MappingProxyType, lambda m: (_mappingproxy, (dict(m),)))


def fingerprint(root: Path) -> str:
    """SHA-256 of every source file's path and content, the cache format and the app version."""
    h = hashlib.sha256(f"{FORMAT_VERSION}\0".encode())
    try:  # a new version of the loader or model must not read an old cache
        from ... import __version__
    except ImportError:  # pragma: no cover
        __version__ = "?"
    h.update(f"{__version__}\0".encode())
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            data = p.read_bytes()
            h.update(f"{p.relative_to(root).as_posix()}\0{len(data)}\0".encode())
            h.update(data)
    return h.hexdigest()[:32]


def packaged_dir(root: Path) -> Path:
    env = os.getenv(PACKAGED_ENV)
    return Path(env) if env else Path(root).parent / PACKAGED_NAME


def cache_file(cache_dir: Path, fp: str) -> Path:
    return Path(cache_dir) / f"curricula-{fp}.bin"


def read_compiled(path: Path) -> Curriculum | None:
    """The curriculum in a compiled file, or None if it is missing, torn or tampered with."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head, sep, payload = blob.partition(b"\n")
    parts = head.split(b" ")
    if not sep or len(parts) != 3 or parts[0] != MAGIC or parts[1] != FORMAT_VERSION.encode():
        return None
    if hashlib.sha256(payload).hexdigest().encode() != parts[2]:
        log.warning("curricula cache %s fails its hash check; reloading", path.name)
        return None
    try:
        curriculum = pickle.loads(payload)
    except Exception:  # an unreadable cache is only a slower start
        log.warning("curricula cache unreadable; reloading", exc_info=True)
        return None
    return curriculum if isinstance(curriculum, Curriculum) else None


def write_compiled(curriculum: Curriculum, cache_dir: Path, fp: str) -> Path:
    """Write atomically (temp file + rename); older compiled files in the folder go."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    import tempfile  # only when writing

    payload = pickle.dumps(curriculum, protocol=pickle.HIGHEST_PROTOCOL)
    header = b" ".join([MAGIC, FORMAT_VERSION.encode(), hashlib.sha256(payload).hexdigest().encode()])
    path = cache_file(cache_dir, fp)
    with tempfile.NamedTemporaryFile(dir=cache_dir, delete=False, suffix=".tmp") as fh:
        fh.write(header + b"\n" + payload)
    os.replace(fh.name, path)
    for old in [*cache_dir.glob("curricula-*.bin"), *cache_dir.glob("curricula-*.pickle")]:
        if old != path:
            old.unlink(missing_ok=True)
    return path


def compile_curricula(root: str | Path | None, cache_dir: str | Path) -> tuple[Path | None, list[DataError]]:
    """Validate the sources and, if they are clean, write the compiled cache (for packaging)."""
    from .loader import check_curricula

    root = Path(root) if root is not None else default_curricula_dir()
    curriculum, errors = check_curricula(root)
    if curriculum is None or errors:
        return None, errors
    return write_compiled(curriculum, Path(cache_dir), fingerprint(root)), []


def load_with_cache(root: str | Path | None, cache_dir: str | Path | None) -> tuple[Curriculum | None, list[DataError]]:
    """Like check_curricula, but served from a compiled cache when the sources are unchanged.

    Looks in `cache_dir` (the device's, written here at first run), then in the packaged
    folder (see the module docstring); otherwise loads the sources and compiles them into
    `cache_dir`.
    """
    root = Path(root) if root is not None else default_curricula_dir()
    if cache_dir is None or not root.is_dir():
        from .loader import check_curricula

        return check_curricula(root)
    cache_dir = Path(cache_dir)
    fp = fingerprint(root)
    places = [cache_dir, packaged_dir(root)]
    for place in places:
        curriculum = read_compiled(cache_file(place, fp))
        if curriculum is not None:
            if curriculum.root != str(root):  # compiled elsewhere (a packaged cache): same files, here
                curriculum = dataclasses.replace(curriculum, root=str(root))
            return curriculum, []
    from .loader import check_curricula

    curriculum, errors = check_curricula(root)
    if curriculum is not None and not errors:
        try:
            write_compiled(curriculum, cache_dir, fp)
        except OSError:
            log.warning("could not write the curricula cache", exc_info=True)
    return curriculum, errors
