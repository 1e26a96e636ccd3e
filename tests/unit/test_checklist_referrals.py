"""Referral directories: the demonstration directory is obviously fictional, every mistake is
reported with file and line, and `import_referrals` validates before it copies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.core.checklist import (
    check_referrals,
    import_referrals,
    load_referral_directories,
    parse_referral_directory,
)
from trainer.core.checklist.model import REFERRAL_KINDS
from trainer.core.errors import DataErrors

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "fixtures" / "broken_referrals"
VALID = ROOT / "tests" / "fixtures" / "valid_referrals"


def markers(path: Path) -> list[tuple[int, str]]:
    return [
        (no, m.group(1).strip())
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for m in [re.search(r"# ERROR: (.*)$", line)]
        if m
    ]


def test_shipped_directories_are_valid():
    assert check_referrals(ROOT / "curricula") == []


def test_demo_directory_is_clearly_fictional():
    demo = load_referral_directories(ROOT / "curricula")["demo"]
    assert demo.demonstration and "DEMONSTRATION" in demo.notice
    assert "fictional" in demo.title.lower()
    for country in demo.countries.values():
        assert "fictional" in country.name
        assert country.of_kind("emergency")
        for c in country.contacts:
            assert c.phone.startswith("+000") and c.kind in REFERRAL_KINDS
            assert "fictional" in c.organisation
    kinds = {c.kind for c in demo.country("XA").contacts}
    assert kinds == set(REFERRAL_KINDS)


BROKEN_FILES = sorted(BROKEN.glob("*.toml"))


@pytest.mark.parametrize("path", BROKEN_FILES, ids=[p.stem for p in BROKEN_FILES])
def test_each_mistake_is_reported_with_file_and_line(path):
    expected = markers(path)
    assert expected
    d, errors = parse_referral_directory(path)
    assert d is None
    assert len(errors) == len(expected), [str(e) for e in errors]
    for e, (line, fragment) in zip(errors, expected):
        assert e.line == line and fragment in e.message, [str(x) for x in errors]
        assert e.path.endswith(f"broken_referrals/{path.name}")


def test_import_validates_then_copies(tmp_path):
    src = tmp_path / "export-from-ngo.toml"
    src.write_text((VALID / "referrals" / "tiny.toml").read_text(encoding="utf-8"), encoding="utf-8")
    data_root = tmp_path / "device"
    assert import_referrals(src, data_root / "referrals") == []
    assert (data_root / "referrals" / "tiny.toml").is_file()  # named after its id
    assert list((data_root / "referrals").glob(".*")) == []  # no temporary file left behind
    loaded = load_referral_directories(ROOT / "curricula", data_root)
    assert set(loaded) == {"demo", "tiny"}


def test_import_refuses_a_broken_file_and_writes_nothing(tmp_path):
    dest = tmp_path / "referrals"
    src = BROKEN / "real-number-in-demo.toml"
    errors = import_referrals(src, dest)
    assert len(errors) == 1
    assert errors[0].path.endswith("broken_referrals/real-number-in-demo.toml")
    assert errors[0].line == markers(src)[0][0]
    assert not dest.exists() or list(dest.iterdir()) == []


def test_import_of_a_missing_file(tmp_path):
    errors = import_referrals(tmp_path / "nope.toml", tmp_path / "referrals")
    assert len(errors) == 1 and errors[0].message == "file not found"


def test_a_later_root_replaces_a_bundled_directory(tmp_path):
    text = (ROOT / "curricula" / "referrals" / "demo.toml").read_text(encoding="utf-8")
    (tmp_path / "referrals").mkdir()
    (tmp_path / "referrals" / "demo.toml").write_text(text.replace('title = "Demonstration directory (fictional contacts)"', 'title = "Updated demo (fictional)"'), encoding="utf-8")
    assert load_referral_directories(ROOT / "curricula", tmp_path)["demo"].title == "Updated demo (fictional)"


def test_loading_broken_directories_raises_with_every_problem(tmp_path):
    (tmp_path / "referrals").mkdir()
    for name in ("bad-kind", "bad-phone"):
        (tmp_path / "referrals" / f"{name}.toml").write_text((BROKEN / f"{name}.toml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(DataErrors) as exc:
        load_referral_directories(tmp_path)
    assert len(exc.value.errors) == 2


def test_missing_folder_is_an_error(tmp_path):
    assert "no referral directory" in check_referrals(tmp_path)[0].message


def test_cli_import(tmp_path, capsys):
    from trainer.cli import main

    ok = main(["referrals", "import", str(VALID / "referrals" / "tiny.toml"), "--data-dir", str(tmp_path)])
    assert ok == 0 and (tmp_path / "referrals" / "tiny.toml").is_file()
    bad = main(["referrals", "import", str(BROKEN / "bad-kind.toml"), "--data-dir", str(tmp_path)])
    assert bad == 1
    assert "bad-kind.toml:" in capsys.readouterr().err
