"""`trainer referrals ...`: import a referral directory onto this device.

Imported directories go to `<data dir>/referrals/<id>.toml`, next to the device database,
because the bundled curricula are read-only inside a packaged app.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def referrals_data_dir(data_dir: str | Path | None = None) -> Path:
    from ..storage import default_data_dir

    return Path(data_dir) if data_dir else default_data_dir()


def _cmd_import(args: argparse.Namespace) -> int:
    from ..tomllines import read_toml
    from .referrals import import_referrals, load_referral_directory

    dest = referrals_data_dir(args.data_dir) / "referrals"
    errors = import_referrals(Path(args.file), dest)
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        print(f"not imported: {len(errors)} problem{'s' if len(errors) != 1 else ''}", file=sys.stderr)
        return 1
    d = load_referral_directory(dest / f"{read_toml(Path(args.file))[0]['id']}.toml")
    imported = dest / f"{d.id}.toml"
    kind = "DEMONSTRATION directory" if d.demonstration else "directory"
    print(f"imported {kind} '{d.id}' ({len(d.countries)} countr{'ies' if len(d.countries) != 1 else 'y'}) to {imported}")
    return 0


def add_cli(subparsers) -> None:
    ref = subparsers.add_parser("referrals", help="manage referral directories on this device")
    ref_sub = ref.add_subparsers(dest="referrals_command", required=True)
    imp = ref_sub.add_parser("import", help="validate a referral directory file and copy it to this device")
    imp.add_argument("file", help="the directory file (TOML, see curricula/FORMAT.md)")
    imp.add_argument("--data-dir", default=None, help="the device data folder (default: the app's per-user data folder)")
    imp.set_defaults(func=_cmd_import)
