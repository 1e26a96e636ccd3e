"""Signed content packs: built after the curricula check, verified before anything changes,
installed atomically beside the bundled content, never downgraded, rolled back on demand."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from trainer.core.curricula import default_curricula_dir
from trainer.core.curricula.loader import check_curricula
from trainer.core.packs import (
    MAGIC,
    ContentStore,
    Manifest,
    PackError,
    build_pack,
    generate_key,
    key_id,
    load_private_key,
    manifest_diff,
    parse_public_line,
    read_pack,
)

BUNDLED = default_curricula_dir()


@pytest.fixture(scope="module")
def key():
    pem, line = generate_key()
    public = parse_public_line(line)
    return pem, {key_id(public): public}


@pytest.fixture
def src(tmp_path):
    """An author's copy of the curricula to change and pack."""
    root = tmp_path / "src"
    shutil.copytree(BUNDLED, root)
    return root


def referral_edit(root: Path, new_hours: str) -> None:
    path = root / "referrals" / "demo.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('hours = "24 hours, every day"', f'hours = "{new_hours}"', 1), encoding="utf-8")


def build(src, tmp_path, key, version, **kw) -> Path:
    out = tmp_path / f"v{version}.wmp"
    build_pack(src, out, key[0], version, **kw)
    return out


def test_build_install_and_use(src, tmp_path, key):
    referral_edit(src, "Mondays to Fridays, 8:00 to 18:00")
    pack = build(src, tmp_path, key, 1, only=["referrals"], notes="hotline hours")
    store = ContentStore(tmp_path / "device")
    assert store.root() == BUNDLED and store.status()["source"] == "bundled"
    inst = store.install_file(pack, key[1])
    assert inst.version == 1 and store.status()["version"] == 1
    root = store.root()
    assert root != BUNDLED and "Mondays to Fridays" in (root / "referrals" / "demo.toml").read_text()
    # The rest is the bundled content, and the whole passes the check.
    assert (root / "modules" / "understanding-trafficking" / "en.md").read_bytes() == (BUNDLED / "modules" / "understanding-trafficking" / "en.md").read_bytes()
    assert check_curricula(root)[1] == []


def test_the_app_loads_the_installed_pack(src, tmp_path, key):
    from trainer.ui.app import content_root

    data = tmp_path / "device"
    assert content_root(None, data) is None  # bundled
    referral_edit(src, "Weekends only")
    ContentStore(data).install_file(build(src, tmp_path, key, 1), key[1])
    root = content_root(None, data)
    assert root and "Weekends only" in (Path(root) / "referrals" / "demo.toml").read_text()
    assert content_root("/some/folder", data) == "/some/folder"


def test_one_flipped_byte_anywhere_refuses_the_pack_and_changes_nothing(src, tmp_path, key):
    pack = build(src, tmp_path, key, 1, only=["referrals", "glossary"])
    raw = pack.read_bytes()
    store = ContentStore(tmp_path / "device")
    rng = random.Random(7)
    positions = sorted(set(range(0, 100)) | {rng.randrange(len(raw)) for _ in range(150)} | {len(raw) - 1})
    for pos in positions:
        bad = bytearray(raw)
        bad[pos] ^= 0x01
        tampered = tmp_path / "tampered.wmp"
        tampered.write_bytes(bytes(bad))
        with pytest.raises(PackError):
            store.install_file(tampered, key[1])
        assert store.active is None and not list((tmp_path / "device").glob("content/*-v*"))


def test_truncated_pack_is_refused(src, tmp_path, key):
    pack = build(src, tmp_path, key, 1, only=["referrals"])
    raw = pack.read_bytes()
    for cut in (0, 5, len(MAGIC) + 30, len(raw) // 2, len(raw) - 1):
        short = tmp_path / "short.wmp"
        short.write_bytes(raw[:cut])
        with pytest.raises(PackError, match="not a Waymark pack|signature does not verify|cut short"):
            ContentStore(tmp_path / "device").install_file(short, key[1])


def test_unknown_key_is_refused(src, tmp_path, key):
    pack = build(src, tmp_path, key, 1, only=["referrals"])
    other_pem, other_line = generate_key()
    other = parse_public_line(other_line)
    with pytest.raises(PackError, match="unknown key"):
        ContentStore(tmp_path / "device").install_file(pack, {key_id(other): other})


def test_build_refuses_content_that_fails_the_check(src, tmp_path, key):
    quiz = src / "modules" / "understanding-trafficking" / "quiz.fr.toml"
    quiz.write_text(quiz.read_text(encoding="utf-8") + "\n[[questions]\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"curricula/modules/understanding-trafficking/quiz.fr.toml:\d+: TOML syntax error"):
        build(src, tmp_path, key, 1)
    assert not (tmp_path / "v1.wmp").exists()


def test_a_signed_pack_that_fails_validation_on_the_device_changes_nothing(src, tmp_path, key, monkeypatch):
    # An author who bypassed the check (or an older checker): the device checks again.
    import trainer.core.packs as packs

    monkeypatch.setattr(packs, "check_overlay", lambda files, bundled=None: [])
    (src / "referrals" / "demo.toml").write_text('format = 1\nid = "demo"\n', encoding="utf-8")
    pack = build(src, tmp_path, key, 1, only=["referrals"])
    store = ContentStore(tmp_path / "device")
    with pytest.raises(PackError, match="does not pass the curricula check"):
        store.install_file(pack, key[1])
    assert store.active is None and store.root() == BUNDLED
    assert not [p for p in (tmp_path / "device" / "content").iterdir() if p.is_dir()]


def test_older_or_same_version_is_refused_and_a_device_three_versions_behind_gets_the_latest(src, tmp_path, key):
    store = ContentStore(tmp_path / "device")
    packs = {}
    for v in (1, 2, 3, 4):
        referral_edit(src, f"version {v} hours") if v == 1 else None
        text = (src / "referrals" / "demo.toml").read_text()
        (src / "referrals" / "demo.toml").write_text(text.replace(f"version {v - 1} hours", f"version {v} hours"))
        packs[v] = build(src, tmp_path, key, v, only=["referrals"])
    store.install_file(packs[1], key[1])
    store.install_file(packs[4], key[1])  # offline through versions 2 and 3
    assert store.active.version == 4 and "version 4 hours" in (store.root() / "referrals" / "demo.toml").read_text()
    for v in (2, 3, 4):
        with pytest.raises(PackError, match="not newer"):
            store.install_file(packs[v], key[1])
    assert store.active.version == 4


def test_rollback_goes_to_the_previous_version_then_the_bundle(src, tmp_path, key):
    store = ContentStore(tmp_path / "device")
    referral_edit(src, "first")
    store.install_file(build(src, tmp_path, key, 1, only=["referrals"]), key[1])
    text = (src / "referrals" / "demo.toml").read_text()
    (src / "referrals" / "demo.toml").write_text(text.replace('"first"', '"second"'))
    store.install_file(build(src, tmp_path, key, 2, only=["referrals"]), key[1])
    assert '"second"' in (store.root() / "referrals" / "demo.toml").read_text()
    assert store.rollback().version == 1
    assert '"first"' in (store.root() / "referrals" / "demo.toml").read_text()
    assert store.rollback() is None and store.root() == BUNDLED
    with pytest.raises(PackError, match="nothing to roll back"):
        store.rollback()


def test_an_interrupted_install_leaves_the_old_version_in_use(src, tmp_path, key, monkeypatch):
    store = ContentStore(tmp_path / "device")
    referral_edit(src, "stable")
    store.install_file(build(src, tmp_path, key, 1, only=["referrals"]), key[1])
    text = (src / "referrals" / "demo.toml").read_text()
    (src / "referrals" / "demo.toml").write_text(text.replace('"stable"', '"new"'))
    pack2 = build(src, tmp_path, key, 2, only=["referrals"])

    import trainer.core.packs as packs

    def crash(*a, **k):
        raise OSError("power cut")

    monkeypatch.setattr(packs, "materialise", crash)
    with pytest.raises(OSError):
        store.install_file(pack2, key[1])
    monkeypatch.undo()
    assert store.active.version == 1 and '"stable"' in (store.root() / "referrals" / "demo.toml").read_text()
    store.install_file(pack2, key[1])  # staging left behind is cleaned, the retry works
    assert store.active.version == 2 and not list(store.dir.glob(".staging-*"))


def test_update_from_a_manifest_diff_fetches_only_what_changed(src, tmp_path, key):
    store = ContentStore(tmp_path / "device")
    p1 = build(src, tmp_path, key, 1)
    store.install_file(p1, key[1])
    path = src / "modules" / "referral-protection" / "en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("referral", "referral", 1) + "\n", encoding="utf-8")
    p2 = build(src, tmp_path, key, 2)
    m1_bytes, _s1, _r1 = read_pack(p1, key[1])
    m2_bytes, sig2, read2 = read_pack(p2, key[1])
    diff = manifest_diff(Manifest.from_bytes(m1_bytes), Manifest.from_bytes(m2_bytes))
    assert list(diff["changed"]) == ["modules/referral-protection/en.md"] and diff["removed"] == []
    fetched = []

    def fetch(p, entry):
        fetched.append(p)
        return read2(p)

    store.install_update(json.loads(json.dumps(diff)), sig2, fetch, key[1])
    assert fetched == ["modules/referral-protection/en.md"] and store.active.version == 2
    # A tampered diff cannot rebuild the signed manifest.
    diff["changed"]["modules/referral-protection/en.md"]["size"] += 1
    with pytest.raises(PackError):
        store.install_update(diff, sig2, fetch, key[1])


def test_paths_outside_the_curricula_kinds_are_refused():
    from trainer.core.packs import check_path

    for bad in ("../etc/passwd", "/abs/x.toml", "trainer/core/x.py", "modules/x/evil.py", "modules\\x.toml"):
        with pytest.raises(PackError):
            check_path(bad)
    assert check_path("modules/a/en.md") == "modules/a/en.md"


def test_signing_key_must_be_ed25519():
    with pytest.raises(PackError):
        load_private_key(b"not a key")
