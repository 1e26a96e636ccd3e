"""CSV exports: UTF-8 with a BOM, a header row, Arabic names intact, no formula injection."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.dashboard_support import L1_NAME, L2_NAME, L3_NAME, UT, login, make_seeded
from trainer.server.dashboard.exports import BOM, safe_cell, to_csv


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return make_seeded(tmp_path_factory.mktemp("exports"))


def read(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM.encode("utf-8")), "spreadsheets need the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_completion_csv(seeded):
    with TestClient(seeded.app) as client:
        login(client, "admin")
        r = client.get("/dashboard/completion.csv")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith('attachment; filename="completion-')
    rows = read(r.content)
    header = rows[0]
    assert header[:6] == ["Learner", "Learner id", "Cohort", "Modules passed", "Attempts", "Last activity (UTC)"]
    assert len(rows) == 4 and all(len(row) == len(header) for row in rows)
    by_name = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert set(by_name) == {L1_NAME, L2_NAME, "'" + L3_NAME}  # Arabic intact; "=Ana+1" cannot run as a formula
    l1 = by_name[L1_NAME]
    title = next(h for h in header if h.endswith(": status") and "Understanding" in h).rsplit(":", 1)[0]
    assert (l1[f"{title}: status"], l1[f"{title}: attempts"], l1[f"{title}: best score (%)"]) == ("Passed", "2", "100.0")
    assert l1[f"{title}: passed on (UTC)"] == "Mar 2, 2026, 09:10"  # the page's one date style (Babel, en)
    assert by_name["'=Ana+1"]["Last activity (UTC)"] == "Mar 3, 2026, 09:10"
    assert (l1["Modules passed"], l1["Attempts"], l1["Cohort"]) == ("1", "3", "Inspectors north")


def test_completion_csv_follows_the_filters_and_language(seeded):
    with TestClient(seeded.app) as client:
        login(client, "admin")
        client.get("/dashboard/language/ar")
        rows = read(client.get(f"/dashboard/completion.csv?cohort={seeded.cohort_a}&language=ar").content)
    assert [row[0] for row in rows[1:]] == [L1_NAME]
    assert rows[0][0] != "Learner"  # the header is in the trainer's language
    # Dates as on the Arabic pages: one left-to-right isolate each, no right-to-left marks inside;
    # counts stay plain numbers a spreadsheet can sum.
    assert rows[1][5] == "\u206604/03/2026\u2069، \u206609:10\u2069"  # last activity, 4 March 09:10 UTC
    assert rows[1][9] == "\u206602/03/2026\u2069، \u206609:10\u2069"  # passed on
    assert rows[1][3].isdigit() and rows[1][4].isdigit()


def test_questions_csv(seeded):
    with TestClient(seeded.app) as client:
        login(client, "admin")
        rows = read(client.get(f"/dashboard/questions.csv?module={UT}").content)
    header = rows[0]
    assert header == ["Module", "Language", "Question id", "Question", "Answers", "Answered wrong", "Wrong (%)",
                      "Wrong options chosen"]
    ar = [row for row in rows[1:] if row[1] == "ar"]
    assert [(r[2], r[4], r[5], r[6]) for r in ar] == [("q1", "2", "1", "50.0"), ("q3", "2", "1", "50.0"), ("q2", "2", "0", "0.0")]
    assert ar[0][7] == "b (Option B): 1"
    assert {row[0] for row in rows[1:]} == {UT}


@given(st.text())
def test_no_cell_starts_like_a_formula(text):
    cell = safe_cell(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.endswith(text) or text == ""


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


@given(st.lists(st.lists(TEXT, min_size=2, max_size=2), max_size=5))
def test_text_round_trips_through_the_csv(rows):
    back = read(to_csv(["a", "b"], rows))
    assert back[0] == ["a", "b"]
    assert back[1:] == [[safe_cell(c) for c in row] for row in rows]
    assert all(safe_cell(c) in (c, "'" + c) for row in rows for c in row)


def test_text_cells_round_trip_exactly():
    rows = [["ليلى حداد", "multi\nline, with \"quotes\""], ["Жанна", "ação"]]
    assert read(to_csv(["a", "b"], rows))[1:] == rows
    assert safe_cell(0.5) == "0.5" and safe_cell(3) == "3" and safe_cell(None) == ""
