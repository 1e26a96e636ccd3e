"""Loading and validating the curricula: the bundled set, then 10x and 100x synthetic modules.

Synthetic modules are copies of the bundled ones under new ids (same text, quizzes and
translations), so the figures show how loading grows with the size of a curriculum.
Target: the bundled set in at most 100 ms on the reference machine (2 cores).
"""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from trainer.core.curricula.loader import check_curricula, default_curricula_dir

RUNS = 7


def timed(root: Path) -> tuple[float, int, int]:
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        curriculum, errors = check_curricula(root)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(curriculum.modules), len(errors)


def synthetic(src: Path, factor: int, dest: Path) -> Path:
    """A curricula folder with `factor` copies of every bundled module (ids renamed)."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("modules"))
    (dest / "modules").mkdir()
    order = 0
    for copy in range(factor):
        for mod in sorted((src / "modules").iterdir()):
            if not mod.is_dir():
                continue
            order += 1
            new_id = f"{mod.name}-{copy}"
            target = dest / "modules" / new_id
            shutil.copytree(mod, target)
            meta = target / "module.toml"
            text = meta.read_text(encoding="utf-8")
            text = re.sub(r'^id = ".*"$', f'id = "{new_id}"', text, flags=re.M)
            text = re.sub(r"^order = \d+$", f"order = {order}", text, flags=re.M)
            meta.write_text(text, encoding="utf-8")
            for md in target.glob("*.md"):  # links to other modules point at copy 0's twins
                body = md.read_text(encoding="utf-8")
                body = re.sub(r"\]\(([a-z0-9-]+)#", lambda m: f"]({m.group(1)}-{copy}#", body)
                md.write_text(body, encoding="utf-8")
    return dest


def main() -> None:
    src = default_curricula_dir()
    base, n, errors = timed(src)
    files = sum(1 for _ in (src / "modules").rglob("*") if _.is_file())
    print(f"curricula load + validate (median of {RUNS})")
    print(f"  bundled: {n} modules, {files} files, {errors} errors: {base * 1000:.1f} ms  (target <= 100 ms)")
    for factor in (10, 100):
        with tempfile.TemporaryDirectory() as d:
            root = synthetic(src, factor, Path(d) / "c")
            t, n, errors = timed(root) if factor == 10 else (lambda r: (r[0], r[1], r[2]))(timed_once(root))
            print(f"  {factor:>3}x: {n} modules, {errors} errors: {t * 1000:.1f} ms  ({t / base:.1f}x the bundled time)")


def timed_once(root: Path) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    curriculum, errors = check_curricula(root)
    return time.perf_counter() - t0, len(curriculum.modules), len(errors)


if __name__ == "__main__":
    main()
