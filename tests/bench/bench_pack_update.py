"""A one-module content update for a device that has the previous version: bytes on the wire
and time to apply.

How it is measured: version 1 is a pack of the whole bundled curricula, installed on a fresh
device folder. Version 2 corrects one sentence in every language of one module
(`referral-protection`: en/fr/es/ar text). The device receives the manifest diff (JSON, gzip)
plus the new manifest's 64-byte signature, and fetches each file it lacks, gzip-compressed as
an HTTP response would be. The target compares those bytes with the gzip size of the changed
files alone (target: at most 1.2x). Apply time is the median of 5 installs of version 2 onto
a copy of the version-1 device (verify, fetch, overlay, curricula check, atomic switch).

    python tests/bench/bench_pack_update.py
"""

from __future__ import annotations

import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from trainer.core.curricula import default_curricula_dir  # noqa: E402
from trainer.core.packs import ContentStore, Manifest, build_pack, generate_key, key_id, manifest_diff, parse_public_line, read_pack  # noqa: E402

MODULE = "referral-protection"


def main() -> None:
    pem, line = generate_key()
    pub = parse_public_line(line)
    trusted = {key_id(pub): pub}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        shutil.copytree(default_curricula_dir(), src)
        p1, p2 = tmp / "v1.wmp", tmp / "v2.wmp"
        build_pack(src, p1, pem, 1)
        for lang in ("en", "fr", "es", "ar"):
            path = src / "modules" / MODULE / f"{lang}.md"
            text = path.read_text(encoding="utf-8").rstrip("\n")
            path.write_text(text + "\n\n" + {"en": "Check the directory's date before you call.", "fr": "Vérifiez la date du répertoire avant d'appeler.",
                                              "es": "Compruebe la fecha del directorio antes de llamar.", "ar": "تحقق من تاريخ الدليل قبل الاتصال."}[lang] + "\n", encoding="utf-8")
        build_pack(src, p2, pem, 2)
        device = tmp / "device"
        ContentStore(device).install_file(p1, trusted)
        m1, _s, _r = read_pack(p1, trusted)
        m2, sig2, read2 = read_pack(p2, trusted)
        diff = manifest_diff(Manifest.from_bytes(m1), Manifest.from_bytes(m2))
        diff_wire = len(gzip.compress(json.dumps(diff).encode(), 9)) + len(sig2)
        store = ContentStore(device)
        needed = store.needed(Manifest.from_bytes(m2))
        files_wire = sum(len(gzip.compress(read2(p), 9)) for p in needed)
        changed_gzip = sum(len(gzip.compress(read2(p), 9)) for p in diff["changed"])
        full_pack = p2.stat().st_size
        print(f"changed files: {len(diff['changed'])} ({', '.join(diff['changed'])})")
        print(f"gzip size of the changed files:  {changed_gzip:,} B")
        print(f"bytes on the wire (diff + signature + files): {diff_wire + files_wire:,} B  (diff {diff_wire:,} B, files {files_wire:,} B)")
        print(f"ratio: {(diff_wire + files_wire) / changed_gzip:.2f}x  (target <= 1.2x); the whole pack would be {full_pack:,} B")
        times = []
        for _ in range(5):
            copy = tmp / "device-copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(device, copy)
            s = ContentStore(copy)
            t = time.perf_counter()
            s.install_update(diff, sig2, lambda p, e: read2(p), trusted)
            times.append(time.perf_counter() - t)
        print(f"time to apply version 2: median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}) over 5 installs")


if __name__ == "__main__":
    main()
