"""Referral directories (`curricula/referrals/<id>.toml`): load, validate, import.

A wrong phone number in a referral directory can cost someone their one chance to call for
help, so the rules are strict: every country needs an emergency contact (the urgent-action
screen shows it), and a demonstration directory may only hold numbers with the unassigned
country code +000, so that no made-up number can ever reach a real person.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from ..errors import DataError, DataErrors, rel
from ..tomllines import read_toml
from ._check import Checker, ID_RE, is_language
from .model import REFERRAL_KINDS, Contact, Country, ReferralDirectory

FORMAT_VERSION = 1
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 ]{1,22}[0-9]$")
FICTIONAL_PREFIX = "+000"


def referrals_dir(root: Path) -> Path:
    return Path(root) / "referrals"


def _phone_digits(phone: str) -> str:
    return phone.replace(" ", "")


def parse_referral_directory(path: Path) -> tuple[ReferralDirectory | None, list[DataError]]:
    path = Path(path)
    data, text, errors = read_toml(path)
    if data is None:
        return None, errors
    c = Checker(path, text)
    c.keys(data, {"format", "id", "title", "demonstration", "updated", "notice", "countries"})
    if data.get("format") != FORMAT_VERSION:
        c.err(f"'format' must be {FORMAT_VERSION}", "format")
    did = c.ident(data, "id")
    if did is not None and did != path.stem:
        c.err(f"id '{did}' must equal the file name '{path.stem}'", "id")
    title = c.text(data, "title")
    demo = data.get("demonstration")
    if not isinstance(demo, bool):
        c.err("'demonstration' must be true or false (true: every contact is fictional)", "demonstration")
    updated = data.get("updated")
    if not isinstance(updated, dt.date) or isinstance(updated, dt.datetime):
        c.err("'updated' must be a date, e.g. updated = 2025-01-31 (when the contacts were last checked)", "updated")
    notice = c.text(data, "notice", required=False)
    if demo is True and "notice" not in data:
        c.err("missing required field 'notice': a demonstration directory must say so on screen", "demonstration")
    countries: dict[str, Country] = {}
    for code, raw in (c.table(data, "countries") or {}).items():
        cpath = ("countries", code)
        if not COUNTRY_RE.match(code):
            c.err(f"country code '{code}' must be two capital letters (ISO 3166-1 alpha-2)", *cpath)
            continue
        if not isinstance(raw, dict):
            c.err(f"country '{code}' must be a table", *cpath)
            continue
        c.keys(raw, {"name", "contacts"}, *cpath)
        name = c.text(raw, "name", *cpath)
        contacts: list[Contact] = []
        for i, cr in enumerate(c.array_of_tables(raw, "contacts", *cpath)):
            p = cpath + ("contacts", i)
            n_before = len(c.errors)
            c.keys(cr, {"organisation", "kind", "phone", "hours", "languages", "notes"}, *p)
            org = c.text(cr, "organisation", *p)
            kind = c.text(cr, "kind", *p)
            if kind is not None and kind not in REFERRAL_KINDS:
                c.err(f"kind must be one of {', '.join(REFERRAL_KINDS)}", *p, "kind")
            phone = c.text(cr, "phone", *p)
            if phone is not None:
                if not PHONE_RE.match(phone):
                    c.err(f"phone '{phone}' must be digits and spaces, optionally starting with '+'", *p, "phone")
                elif demo is True and not phone.startswith(FICTIONAL_PREFIX):
                    c.err(f"a demonstration directory may only use fictional numbers starting with '{FICTIONAL_PREFIX}' (unassigned), not '{phone}'", *p, "phone")
                elif demo is False and _phone_digits(phone).startswith(_phone_digits(FICTIONAL_PREFIX)):
                    c.err(f"'{phone}' is a fictional number: a real directory needs real, checked numbers (or set demonstration = true)", *p, "phone")
            hours = c.text(cr, "hours", *p)
            langs = c.text_list(cr, "languages", *p)
            if langs is not None:
                bad = [x for x in langs if not is_language(x)]
                if bad:
                    c.err(f"not language codes: {', '.join(bad)} (use e.g. en, ar, fr)", *p, "languages")
            notes = c.text(cr, "notes", *p, required=False)
            if len(c.errors) == n_before and org and kind and phone and hours and langs:
                contacts.append(Contact(org, kind, phone, hours, tuple(langs), notes, c.at(*p)))
        if isinstance(raw.get("contacts"), list) and not any(
            isinstance(x, dict) and x.get("kind") == "emergency" for x in raw["contacts"]
        ):
            c.err(f"country '{code}' has no contact of kind 'emergency': the urgent-action screen needs one", *cpath)
        if name:
            countries[code] = Country(code, name, tuple(contacts))
    if "countries" in data and isinstance(data["countries"], dict) and not data["countries"]:
        c.err("the directory lists no country", "countries")
    if c.errors:
        return None, sorted(set(c.errors))
    return (
        ReferralDirectory(
            id=did,
            title=title,
            demonstration=demo,
            updated=updated.isoformat(),
            notice=notice,
            countries=MappingProxyType(countries),
            path=rel(path),
        ),
        [],
    )


def _files(root: Path) -> list[Path]:
    d = referrals_dir(root)
    return sorted(p for p in d.glob("*.toml") if p.is_file()) if d.is_dir() else []


def check_referrals(root: Path) -> list[DataError]:
    """Validate every directory under `root/referrals/` (root is the curricula folder)."""
    files = _files(Path(root))
    if not files:
        return [DataError(rel(referrals_dir(Path(root))), 1, "no referral directory found (expected referrals/<id>.toml)")]
    errors: list[DataError] = []
    for f in files:
        errors.extend(parse_referral_directory(f)[1])
    return sorted(set(errors))


def load_referral_directories(*roots: Path) -> Mapping[str, ReferralDirectory]:
    """Directories from each root's `referrals/` (later roots win on equal ids: an imported
    directory replaces a bundled one). Raises DataErrors listing every problem."""
    found: dict[str, ReferralDirectory] = {}
    errors: list[DataError] = []
    for root in roots:
        for f in _files(Path(root)):
            d, errs = parse_referral_directory(f)
            errors.extend(errs)
            if d is not None:
                found[d.id] = d
    if errors:
        raise DataErrors(errors)
    return MappingProxyType(found)


def load_referral_directory(path: Path) -> ReferralDirectory:
    d, errors = parse_referral_directory(Path(path))
    if errors or d is None:
        raise DataErrors(errors)
    return d


def import_referrals(src: Path, dest_dir: Path) -> list[DataError]:
    """`trainer referrals import FILE`: validate, then copy to `dest_dir/<id>.toml`.

    Nothing is written unless the file is valid; the copy is atomic (temporary file, then
    rename), so a half-written directory can never be loaded. Returns the problems found.
    """
    src = Path(src)
    if not src.is_file():
        return [DataError(rel(src), 1, "file not found")]
    data, _text, errors = read_toml(src)
    if errors:
        return errors
    did = data.get("id") if isinstance(data, dict) else None
    if not isinstance(did, str) or not ID_RE.match(did):
        return [DataError(rel(src), 1, "the directory needs a valid 'id' (lower-case letters, digits, hyphens)")]
    # Validate under its final name, so the "id equals file name" rule holds for the copy.
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / f"{did}.toml"
        shutil.copyfile(src, staged)
        _d, errors = parse_referral_directory(staged)
    if errors:
        return [DataError(rel(src), e.line, e.message) for e in errors]
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix=f".{did}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp_name)
        os.replace(tmp_name, dest_dir / f"{did}.toml")
    except OSError:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return []
