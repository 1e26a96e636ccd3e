"""UI language completeness: what counting costs, and what a start with the cache costs.

Counting parses every catalogue under locales/ with Babel. The app rarely does it: the counts
ship in locales/counts.json (checked by content hash, so a first start uses them), and are kept
in memory (keyed by each file's size and mtime) and in the data folder's
cache/ui-catalogues.json, so a later start only stats the files and reads a small JSON file. Prints the median of several runs for each step (no pass/fail).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from trainer.core import catalogues, i18n

RUNS = 7


def median_ms(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> None:
    locales = i18n.locales_dir()
    n = len(i18n.known_languages())
    print(f"{n} UI languages in {locales}")
    print(f"count every catalogue with Babel (no cache):      {median_ms(lambda: catalogues.compute(locales)):8.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        catalogues.use_cache_dir(Path(tmp))
        catalogues.forget()
        i18n.ui_status()  # writes the cache file

        def from_cache_file():
            catalogues.forget()  # as in a new process
            i18n.ui_status()

        print(f"new process, counts read from the cache file:      {median_ms(from_cache_file):8.1f} ms")

        def first_start():
            (Path(tmp) / catalogues.CACHE_NAME).unlink(missing_ok=True)  # a new device: no cache yet
            catalogues.forget()
            i18n.ui_status()

        shipped = catalogues.read_shipped_counts(locales, i18n.known_languages()) is not None
        print(f"first start, {'shipped locales/counts.json' if shipped else 'counts.json STALE, counting':30}:    "
              f"{median_ms(first_start):8.1f} ms")
        print(f"same process, nothing changed (stat only):         {median_ms(i18n.ui_status, 101):8.2f} ms")
        print(f"list the languages (directory listing, no count):  {median_ms(i18n.known_languages, 101):8.2f} ms")
        i18n.Translator("fr")
        print(f"Translator('fr') with its catalogue loaded:        {median_ms(lambda: i18n.Translator('fr'), 101):8.2f} ms")
        catalogues.use_cache_dir(None)


if __name__ == "__main__":
    main()
