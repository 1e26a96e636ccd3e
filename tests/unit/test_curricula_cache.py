"""The compiled, hash-checked curricula cache: served only for the exact same sources."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.core.curricula import cache, loader
from trainer.core.curricula.cache import compile_curricula, fingerprint, load_with_cache

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def src(tmp_path) -> Path:
    root = tmp_path / "curricula"
    shutil.copytree(FIXTURES / "curricula_quiz", root)
    return root


@pytest.fixture()
def loads(monkeypatch) -> list[Path]:
    """Record every time the sources are actually parsed."""
    calls: list[Path] = []
    real = loader.check_curricula

    def spy(root=None):
        calls.append(Path(root))
        return real(root)

    monkeypatch.setattr(loader, "check_curricula", spy)
    return calls


def test_second_load_is_served_from_the_compiled_file(src, tmp_path, loads):
    first, errors = load_with_cache(src, tmp_path / "cache")
    assert not errors and first.modules
    assert len(list((tmp_path / "cache").glob("curricula-*.bin"))) == 1
    second, errors = load_with_cache(src, tmp_path / "cache")
    assert not errors and len(loads) == 1
    assert second == first and second.root == str(src)
    q = second.modules[0].quizzes["en"].questions[0]
    assert q.line == first.modules[0].quizzes["en"].questions[0].line > 0


def test_any_change_in_content_means_a_fresh_load(src, tmp_path, loads):
    first, _ = load_with_cache(src, tmp_path / "cache")
    md = src / "modules" / "trafficking-basics" / "en.md"
    text = md.read_text(encoding="utf-8")
    stat = md.stat()
    i = text.index("trafficking")
    md.write_text(text[:i] + "Trafficking" + text[i + len("trafficking"):], encoding="utf-8")  # same size
    os.utime(md, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same modification time
    changed, errors = load_with_cache(src, tmp_path / "cache")
    assert len(loads) == 2 and not errors
    assert changed != first
    assert len(list((tmp_path / "cache").glob("curricula-*"))) == 1  # the old file went


def test_a_corrupt_or_tampered_file_is_only_a_slower_start(src, tmp_path, loads):
    good, _ = load_with_cache(src, tmp_path / "cache")
    path = next((tmp_path / "cache").glob("curricula-*.bin"))
    blob = bytearray(path.read_bytes())
    blob[-10] ^= 0xFF
    path.write_bytes(bytes(blob))
    again, errors = load_with_cache(src, tmp_path / "cache")
    assert again == good and not errors and len(loads) == 2
    path.write_bytes(b"")  # torn write
    assert load_with_cache(src, tmp_path / "cache")[0] == good and len(loads) == 3


def test_a_curriculum_with_errors_is_never_compiled(tmp_path, loads):
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURES / "broken_curricula" / "missing-title", broken)
    _, errors = load_with_cache(broken, tmp_path / "cache")
    assert errors
    assert not list((tmp_path / "cache").glob("curricula-*"))
    path, errors = compile_curricula(broken, tmp_path / "out")
    assert path is None and errors


def test_packaged_cache_is_read_when_the_device_has_none(src, tmp_path, loads):
    path, errors = compile_curricula(src, src.parent / cache.PACKAGED_NAME)
    assert path is not None and not errors and len(loads) == 1
    moved = tmp_path / "elsewhere" / "curricula"  # the bundle sits at another path on the phone
    shutil.copytree(src.parent, moved.parent)
    curriculum, errors = load_with_cache(moved, tmp_path / "device-cache")
    assert not errors and len(loads) == 1
    assert curriculum.root == str(moved)


def test_fingerprint_follows_content_not_timestamps(src):
    before = fingerprint(src)
    for p in src.rglob("*"):
        if p.is_file():
            os.utime(p, (1, 1))
    assert fingerprint(src) == before
    (src / "modules" / "trafficking-basics" / "extra.png").write_bytes(b"\x89PNG")
    assert fingerprint(src) != before


def test_loading_from_the_cache_imports_no_parser(src, tmp_path):
    load_with_cache(src, tmp_path / "cache")
    code = (
        "import sys\n"
        "from trainer.core.curricula.cache import load_with_cache\n"
        f"c, e = load_with_cache({str(src)!r}, {str(tmp_path / 'cache')!r})\n"
        "assert c.modules and not e\n"
        "print(sorted(m for m in ('markdown', 'tomllib', 'trainer.core.curricula.loader') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
