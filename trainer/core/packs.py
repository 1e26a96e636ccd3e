"""Signed content packs: curricula updates that reach a device without a new app build.

A hotline number changes, a translation is reviewed, a module is corrected: the author builds
a *pack* from a curricula folder, signs it with an Ed25519 key kept offline, and the trainer
server hands it to devices. For a tool that holds emergency numbers a tampered or half-applied
update is dangerous, so a device changes nothing until all of this holds:

1. the manifest's signature verifies under a key the device trusts;
2. the pack is newer than what the device has (never a downgrade);
3. every file's SHA-256 matches the signed manifest;
4. the merged content (bundled curricula overlaid with the pack's files) passes the same
   `trainer curricula check` the author ran.

Only then is the new version switched on, atomically (one `os.replace` of a small pointer
file); the previous version stays on disk for rollback, and the bundled curricula remain the
fallback when nothing valid is installed.

A pack file (`.wmp`) is `WMPACK1\n`, the signing key's id (16 characters), an Ed25519
signature of everything after it, then a zip archive: `manifest.json`, `manifest.sig` (the
signature of the manifest bytes alone) and the files under `files/`. The outer signature makes
any changed byte of the file a refusal; the manifest's own signature lets a device fetch
single files (each checked against the manifest's SHA-256) when only some changed: a device
that already has a file (from the bundle or an earlier version) never downloads it again.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Mapping

PACK_FORMAT = 1
MAGIC = b"WMPACK1\n"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FILES_PREFIX = "files/"
# What a pack may carry: the data kinds under curricula/ (never code).
CONTENT_TOP = ("modules", "glossary", "indicators", "referrals", "curricula.toml")
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_FILES = 5000
PACK_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class PackError(Exception):
    """Why a pack was refused. Nothing on the device changed."""


# --- keys ----------------------------------------------------------------------------------


def generate_key() -> tuple[bytes, str]:
    """A new signing key: (private key as PEM bytes, public key as one text line)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem, public_line(private.public_key())


def _raw_public(public_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(_raw_public(public_key)).hexdigest()[:16]


def public_line(public_key) -> str:
    """`ed25519 <base64 raw key>`: the form kept in trusted-key files."""
    return "ed25519 " + base64.b64encode(_raw_public(public_key)).decode()


def parse_public_line(line: str):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    parts = line.strip().split()
    if len(parts) < 2 or parts[0] != "ed25519":
        raise PackError("a public key line must read 'ed25519 <base64>'")
    try:
        raw = base64.b64decode(parts[1], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except Exception as exc:  # binascii.Error, ValueError: both mean "not a key"
        raise PackError(f"not an Ed25519 public key: {exc}") from None


def load_private_key(pem: bytes):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise PackError(f"not a signing key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise PackError("the signing key must be an Ed25519 key (make one with `trainer curricula keygen`)")
    return key


def load_trusted_keys(*folders: Path) -> dict[str, object]:
    """Every `*.pub` file (one `ed25519 <base64>` line each) in the given folders, by key id.
    Blank lines and `#` comments are allowed."""
    keys: dict[str, object] = {}
    for folder in folders:
        if not folder or not Path(folder).is_dir():
            continue
        for path in sorted(Path(folder).glob("*.pub")):
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    key = parse_public_line(line)
                    keys[key_id(key)] = key
    return keys


def bundled_keys_dir() -> Path:
    """Public keys shipped with the app (a programme adds its own before building the APK)."""
    return Path(__file__).resolve().parent.parent / "assets" / "keys"


# --- manifest --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    pack_id: str
    version: int
    created: str
    key_id: str
    notes: str
    files: Mapping[str, FileEntry] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        body = {
            "format": PACK_FORMAT,
            "pack_id": self.pack_id,
            "version": self.version,
            "created": self.created,
            "key_id": self.key_id,
            "notes": self.notes,
            "files": {p: {"sha256": f.sha256, "size": f.size} for p, f in sorted(self.files.items())},
        }
        return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Manifest":
        try:
            body = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise PackError(f"the manifest is not valid JSON: {exc}") from None
        if not isinstance(body, dict) or body.get("format") != PACK_FORMAT:
            raise PackError(f"unknown pack format (this app reads format {PACK_FORMAT})")
        try:
            files = {check_path(p): FileEntry(str(f["sha256"]), int(f["size"])) for p, f in body["files"].items()}
            m = cls(
                pack_id=str(body["pack_id"]),
                version=int(body["version"]),
                created=str(body["created"]),
                key_id=str(body["key_id"]),
                notes=str(body.get("notes", "")),
                files=files,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PackError(f"the manifest is incomplete: {exc}") from None
        if not PACK_ID_RE.match(m.pack_id) or m.version < 1 or len(files) > MAX_FILES:
            raise PackError("the manifest's pack id, version or file count is invalid")
        for p, f in files.items():
            if not re.fullmatch(r"[0-9a-f]{64}", f.sha256) or not 0 <= f.size <= MAX_FILE_BYTES:
                raise PackError(f"the manifest entry for {p} is invalid")
        return m


def manifest_diff(old: Manifest, new: Manifest) -> dict:
    """What a device holding `old` needs to rebuild `new` byte for byte: the new header
    fields, the changed or added entries and the removed paths."""
    return {
        "pack_id": new.pack_id,
        "version": new.version,
        "created": new.created,
        "key_id": new.key_id,
        "notes": new.notes,
        "base_version": old.version,
        "changed": {p: {"sha256": f.sha256, "size": f.size} for p, f in sorted(new.files.items()) if old.files.get(p) != f},
        "removed": sorted(p for p in old.files if p not in new.files),
    }


def apply_diff(old: Manifest, diff: Mapping) -> bytes:
    """The new manifest's canonical bytes (to verify against its signature)."""
    try:
        if int(diff["base_version"]) != old.version or diff["pack_id"] != old.pack_id:
            raise PackError(f"the update is for version {diff['base_version']} of '{diff['pack_id']}', not the installed {old.version}")
        files = dict(old.files)
        for p in diff["removed"]:
            files.pop(check_path(p), None)
        for p, f in diff["changed"].items():
            files[check_path(p)] = FileEntry(str(f["sha256"]), int(f["size"]))
        m = Manifest(pack_id=str(diff["pack_id"]), version=int(diff["version"]), created=str(diff["created"]),
                     key_id=str(diff["key_id"]), notes=str(diff.get("notes", "")), files=files)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PackError(f"the update description is incomplete: {exc}") from None
    return m.to_bytes()


def check_path(path: str) -> str:
    """A pack path must stay inside the curricula tree and name a data kind, never code."""
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in path or p.parts[0] not in CONTENT_TOP:
        raise PackError(f"path not allowed in a pack: {path!r}")
    if p.suffix not in (".toml", ".md", ".png", ".jpg", ".jpeg", ".svg", ".webp"):
        raise PackError(f"file type not allowed in a pack: {path!r}")
    return str(p)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(manifest_bytes: bytes, signature: bytes, trusted: Mapping[str, object]) -> Manifest:
    """The manifest, if its signature verifies under one of the trusted keys."""
    from cryptography.exceptions import InvalidSignature

    manifest = Manifest.from_bytes(manifest_bytes)
    key = trusted.get(manifest.key_id)
    if key is None:
        raise PackError(f"the pack is signed by an unknown key ({manifest.key_id}); this device trusts {', '.join(sorted(trusted)) or 'no key'}")
    try:
        key.verify(signature, manifest_bytes)
    except InvalidSignature:
        raise PackError("the pack's signature does not verify: it was changed after signing, or signed by another key") from None
    return manifest


# --- building -------------------------------------------------------------------------------


def pack_files(src: Path, only: Iterable[str] | None = None) -> dict[str, bytes]:
    """The data files under `src` (optionally only some top-level kinds), by pack path."""
    src = Path(src)
    wanted = set(only or CONTENT_TOP)
    unknown = wanted - set(CONTENT_TOP)
    if unknown:
        raise PackError(f"unknown content kind(s): {', '.join(sorted(unknown))} (known: {', '.join(CONTENT_TOP)})")
    out: dict[str, bytes] = {}
    for top in sorted(wanted):
        base = src / top
        paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else []
        for path in paths:
            rel_path = path.relative_to(src).as_posix()
            if path.name.startswith(".") or path.suffix in (".pyc",):
                continue
            out[check_path(rel_path)] = path.read_bytes()
    if not out:
        raise PackError(f"nothing to pack under {src} (looked for {', '.join(sorted(wanted))})")
    return out


def build_pack(
    src: Path,
    out: Path,
    private_pem: bytes,
    version: int,
    pack_id: str = "curricula",
    only: Iterable[str] | None = None,
    notes: str = "",
    bundled: Path | None = None,
) -> Manifest:
    """Check, sign and write a pack. The content is checked as a device will see it: the
    bundled curricula overlaid with the pack's files. Raises PackError (or returns nothing
    written) when the check fails."""
    if not PACK_ID_RE.match(pack_id):
        raise PackError(f"pack id {pack_id!r} must use lower-case letters, digits and hyphens")
    if version < 1:
        raise PackError("the version must be a whole number from 1 up")
    key = load_private_key(private_pem)
    files = pack_files(src, only)
    problems = check_overlay(files, bundled)
    if problems:
        raise PackError("the content does not pass `trainer curricula check`:\n" + "\n".join(problems))
    manifest = Manifest(
        pack_id=pack_id,
        version=version,
        created=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        key_id=key_id(key.public_key()),
        notes=notes,
        files={p: FileEntry(sha256(b), len(b)) for p, b in files.items()},
    )
    data = manifest.to_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, data)
        z.writestr(SIGNATURE, key.sign(data))
        for p, b in sorted(files.items()):
            z.writestr(FILES_PREFIX + p, b)
    body = buf.getvalue()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(MAGIC + manifest.key_id.encode() + key.sign(body) + body)
    os.replace(tmp, out)
    return manifest


def check_overlay(files: Mapping[str, bytes], bundled: Path | None = None) -> list[str]:
    """`trainer curricula check` on the bundled curricula overlaid with `files`."""
    from .curricula.loader import check_curricula, default_curricula_dir

    with tempfile.TemporaryDirectory(prefix="waymark-pack-check-") as tmp:
        root = Path(tmp) / "curricula"
        materialise(root, files, Path(bundled) if bundled else default_curricula_dir())
        _c, errors = check_curricula(root)
        return [f"{e.path.replace(str(root), 'curricula', 1)}:{e.line}: {e.message}" for e in errors]


def materialise(root: Path, files: Mapping[str, bytes], bundled: Path) -> None:
    """Write the bundled curricula, then the pack's files over them, into `root`."""
    shutil.copytree(bundled, root, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    for p, data in files.items():
        target = root / p
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def read_pack(path: Path, trusted: Mapping[str, object]) -> tuple[bytes, bytes, Callable[[str], bytes]]:
    """(manifest bytes, manifest signature, a function reading one file by pack path) of a
    .wmp file whose outer signature verifies under a trusted key."""
    from cryptography.exceptions import InvalidSignature

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PackError(f"cannot read the pack file: {exc.strerror or exc}") from None
    head = len(MAGIC) + 16 + 64
    if len(raw) < head or not raw.startswith(MAGIC):
        raise PackError("not a Waymark pack file (or cut short)")
    kid = raw[len(MAGIC) : len(MAGIC) + 16].decode("ascii", "replace")
    signature, body = raw[len(MAGIC) + 16 : head], raw[head:]
    key = trusted.get(kid)
    if key is None:
        raise PackError(f"the pack is signed by an unknown key ({kid}); this device trusts {', '.join(sorted(trusted)) or 'no key'}")
    try:
        key.verify(signature, body)
    except InvalidSignature:
        raise PackError("the pack file's signature does not verify: it is damaged, cut short or was changed after signing") from None
    try:
        z = zipfile.ZipFile(io.BytesIO(body))
        manifest, msig = z.read(MANIFEST), z.read(SIGNATURE)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise PackError(f"the pack has no readable manifest: {exc}") from None

    def read(p: str) -> bytes:
        try:
            return z.read(FILES_PREFIX + p)
        except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise PackError(f"the pack file is damaged or incomplete ({p}): {exc}") from None

    return manifest, msig, read


# --- the device side ----------------------------------------------------------------------


@dataclass(frozen=True)
class Installed:
    pack_id: str
    version: int
    key_id: str
    installed_at: str
    folder: str  # under <data>/content/


class ContentStore:
    """Installed packs on a device, under `<data dir>/content/`.

    `active.json` names the version in use (written with os.replace, so it is always either
    the old or the new one), `previous.json` the one before it (kept for rollback). Each
    version is a complete curricula folder `v<version>/`; anything else there is staging
    left by an interrupted install and is removed.
    """

    def __init__(self, data_dir: Path, bundled: Path | None = None):
        from .curricula.paths import default_curricula_dir  # not the loader: this runs at every app start

        self.dir = Path(data_dir) / "content"
        self.bundled = Path(bundled) if bundled else default_curricula_dir()

    # state
    def _read(self, name: str) -> Installed | None:
        try:
            data = json.loads((self.dir / name).read_text(encoding="utf-8"))
            inst = Installed(**data)
        except (OSError, ValueError, TypeError):
            return None
        return inst if (self.dir / inst.folder).is_dir() else None

    def _write(self, name: str, inst: Installed | None) -> None:
        path = self.dir / name
        if inst is None:
            path.unlink(missing_ok=True)
            return
        fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=f".{name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(inst.__dict__, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @property
    def active(self) -> Installed | None:
        return self._read("active.json")

    @property
    def previous(self) -> Installed | None:
        return self._read("previous.json")

    def root(self) -> Path:
        """The curricula folder to load: the active pack's, or the bundled one."""
        active = self.active
        return self.dir / active.folder if active else self.bundled

    def status(self) -> dict:
        active = self.active
        return {
            "source": "pack" if active else "bundled",
            "pack_id": active.pack_id if active else None,
            "version": active.version if active else None,
            "key_id": active.key_id if active else None,
            "installed_at": active.installed_at if active else None,
            "rollback_to": self.previous.version if self.previous else None,
        }

    def _local_file(self, path: str, want: FileEntry) -> bytes | None:
        """A file the device already has with the right hash (active version or bundle)."""
        for base in (self.root(), self.bundled):
            candidate = base / path
            try:
                if candidate.is_file() and candidate.stat().st_size == want.size:
                    data = candidate.read_bytes()
                    if sha256(data) == want.sha256:
                        return data
            except OSError:
                continue
        return None

    def needed(self, manifest: Manifest) -> dict[str, FileEntry]:
        """The files of `manifest` this device does not have yet (what a download costs)."""
        return {p: f for p, f in manifest.files.items() if self._local_file(p, f) is None}

    def install(self, manifest_bytes: bytes, signature: bytes, fetch: Callable[[str, FileEntry], bytes], trusted: Mapping[str, object]) -> Installed:
        """Verify, fetch what is missing, check, then switch atomically. Raises PackError, with
        nothing changed, on any problem."""
        manifest = verify(manifest_bytes, signature, trusted)
        active = self.active
        if active and active.pack_id == manifest.pack_id and manifest.version <= active.version:
            raise PackError(f"version {manifest.version} is not newer than the installed version {active.version}")
        files: dict[str, bytes] = {}
        for p, entry in manifest.files.items():
            data = self._local_file(p, entry)
            if data is None:
                data = fetch(p, entry)
                if len(data) != entry.size or sha256(data) != entry.sha256:
                    raise PackError(f"{p} does not match the signed manifest (damaged or changed in transit)")
            files[p] = data
        self.dir.mkdir(parents=True, exist_ok=True)
        self._clean_staging()
        staging = Path(tempfile.mkdtemp(dir=self.dir, prefix=".staging-"))
        try:
            root = staging / "curricula"
            materialise(root, files, self.bundled)
            from .curricula.loader import check_curricula

            _c, errors = check_curricula(root)
            if errors:
                shown = [f"{e.path.replace(str(root), 'curricula', 1)}:{e.line}: {e.message}" for e in errors[:10]]
                raise PackError("the pack's content does not pass the curricula check:\n" + "\n".join(shown))
            folder = f"{manifest.pack_id}-v{manifest.version}"
            final = self.dir / folder
            if final.exists():
                shutil.rmtree(final)
            os.replace(root, final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        (final / MANIFEST).write_bytes(manifest_bytes)  # the base for the next update's diff
        inst = Installed(
            pack_id=manifest.pack_id,
            version=manifest.version,
            key_id=manifest.key_id,
            installed_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
            folder=folder,
        )
        old = active
        self._write("active.json", inst)  # the switch: one atomic rename
        self._write("previous.json", old)
        self._prune(keep={inst.folder, old.folder if old else ""})
        return inst

    def active_manifest(self) -> Manifest | None:
        active = self.active
        if active is None:
            return None
        try:
            return Manifest.from_bytes((self.dir / active.folder / MANIFEST).read_bytes())
        except (OSError, PackError):
            return None

    def install_update(self, diff: Mapping, signature: bytes, fetch: Callable[[str, FileEntry], bytes], trusted: Mapping[str, object]) -> Installed:
        """Install from a manifest diff against the active version (what a sync downloads when
        the device already has a version): the new manifest is rebuilt here and its signature
        checked, so the server never needs the signing key."""
        base = self.active_manifest()
        if base is None:
            raise PackError("no installed version to update from; the full manifest is needed")
        return self.install(apply_diff(base, diff), signature, fetch, trusted)

    def install_file(self, path: Path, trusted: Mapping[str, object]) -> Installed:
        manifest, signature, read = read_pack(path, trusted)
        return self.install(manifest, signature, lambda p, _e: read(p), trusted)

    def rollback(self) -> Installed | None:
        """Back to the previous version (or to the bundled curricula if there is none)."""
        prev, active = self.previous, self.active
        if active is None:
            raise PackError("nothing to roll back: the bundled curricula are in use")
        self._write("active.json", prev)
        self._write("previous.json", None)
        return prev

    def _clean_staging(self) -> None:
        for p in self.dir.glob(".staging-*"):
            shutil.rmtree(p, ignore_errors=True)

    def _prune(self, keep: set[str]) -> None:
        for p in self.dir.iterdir():
            if p.is_dir() and not p.name.startswith(".") and p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)


def manifest_of(path: Path, trusted: Mapping[str, object]) -> Manifest:
    """The verified manifest of a pack file (what `trainer admin publish` shows)."""
    data, signature, _read = read_pack(path, trusted)
    return verify(data, signature, trusted)


__all__ = [
    "PackError", "Manifest", "FileEntry", "ContentStore", "manifest_diff", "apply_diff", "Installed", "build_pack", "read_pack", "verify",
    "generate_key", "load_trusted_keys", "bundled_keys_dir", "key_id", "public_line", "parse_public_line",
]
