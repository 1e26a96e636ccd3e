"""CSV exports that open correctly in a spreadsheet, Arabic names included.

UTF-8 with a byte order mark (Excel reads BOM-less CSV in the machine's legacy code page
and garbles Arabic), a header row, and no formula injection: a learner's name comes from a
device, so a cell that a spreadsheet would run as a formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Callable, Iterable, Sequence

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A value as spreadsheet-safe text (numbers pass through unchanged)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(round(value, 4)) if isinstance(value, float) else str(value)
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buf = io.StringIO()
    buf.write(BOM)
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe_cell(h) for h in header])
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return buf.getvalue().encode("utf-8")


def completion_rows(matrix, status_label: Callable[[str], str]) -> tuple[list[str], list[list]]:
    """Wide layout, one row per learner: what a funder's report needs, ready to sum."""
    header_fixed = ["learner", "learner_id", "cohort", "modules_passed", "attempts", "last_activity"]
    rows = []
    for r in matrix.rows:
        row = [r.name, r.pseudonym, r.cohort_name, r.passed, r.attempts, r.last_at]
        for m in matrix.modules:
            c = r.cells.get(m.id)
            if c is None:
                row += [status_label("not_started"), 0, None, None]
            else:
                row += [status_label(c.status), c.attempts, None if c.best_score is None else round(c.best_score * 100, 1), c.passed_at]
        rows.append(row)
    return header_fixed, rows
