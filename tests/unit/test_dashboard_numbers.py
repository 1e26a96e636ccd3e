"""Completion and question statistics against figures computed by hand from the seeded data
set (see tests/unit/dashboard_support.py for the table they come from)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from tests.unit.dashboard_support import L1, L1_NAME, L2, L2_NAME, L3, LI, UT, key_of, login, make_seeded
from trainer.server.dashboard import queries
from trainer.server.dashboard.modules import module_catalogue
from trainer.server.dashboard.queries import FAILED, IN_PROGRESS, NOT_STARTED, PASSED, Filters, Scope

ALL = Scope(None)
K1, K2, K3 = key_of(L1), key_of(L2), key_of(L3)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return make_seeded(tmp_path_factory.mktemp("numbers"))


@pytest.fixture()
def db(seeded):
    d = seeded.db()
    yield d
    d.conn.close()


@pytest.fixture()
def catalogue(db):
    return module_catalogue(db)


def matrix(db, catalogue, scope=ALL, **filters):
    return queries.completion(db, scope, Filters(**filters), catalogue)


def cells(m) -> dict[tuple[str, str], tuple]:
    return {(r.actor_key, mid): (c.status, c.attempts, c.best_score) for r in m.rows for mid, c in r.cells.items()}


def test_completion_matrix_for_everyone(db, catalogue):
    m = matrix(db, catalogue)
    assert m.total == 3
    assert [r.actor_key for r in m.rows] == [K3, K2, K1]  # by name: "=Ana+1", "Jean Dupont", "ليلى حداد"
    assert cells(m) == {
        (K1, UT): (PASSED, 2, 1.0),
        (K1, LI): (FAILED, 1, 0.666667),  # finished below the pass mark
        (K2, UT): (FAILED, 1, 0.666667),
        (K2, LI): (IN_PROGRESS, 1, None),  # begun, not finished
        (K3, UT): (PASSED, 1, 1.0),
    }
    row1 = next(r for r in m.rows if r.actor_key == K1)
    assert (row1.name, row1.passed, row1.attempts, row1.cohort_name) == (L1_NAME, 1, 3, "Inspectors north")
    assert row1.cells[UT].passed_at == "2026-03-02T09:10:00.000Z"
    assert m.summary[UT] == {PASSED: 2, FAILED: 1, IN_PROGRESS: 0, NOT_STARTED: 0}
    assert m.summary[LI] == {PASSED: 0, FAILED: 1, IN_PROGRESS: 1, NOT_STARTED: 1}
    assert m.summary["border-identification"] == {PASSED: 0, FAILED: 0, IN_PROGRESS: 0, NOT_STARTED: 3}


@pytest.mark.parametrize(
    "sort, desc, expected",
    [
        ("name", False, [K3, K2, K1]),
        ("name", True, [K1, K2, K3]),
        ("passed", True, [K1, K3, K2]),  # passed 1 (3 attempts), passed 1 (1 attempt), passed 0
        ("attempts", False, [K3, K2, K1]),  # 1, 2, 3 attempts
        ("cohort", False, [K3, K2, K1]),  # Border south, then Inspectors north by name
        ("last", True, [K2, K1, K3]),  # 03-05, 03-04, 03-03
        ("module:" + LI, True, [K1, K2, K3]),  # failed, in progress, not started
        ("module:" + UT, True, [K1, K3, K2]),  # passed after 2, passed after 1, failed
    ],
)
def test_completion_sorts(db, catalogue, sort, desc, expected):
    assert [r.actor_key for r in matrix(db, catalogue, sort=sort, descending=desc).rows] == expected


def test_completion_filters_by_cohort_language_dates_and_audience(db, catalogue, seeded):
    a = matrix(db, catalogue, cohort=seeded.cohort_a)
    assert {r.actor_key for r in a.rows} == {K1, K2} and a.total == 2
    assert a.summary[UT] == {PASSED: 1, FAILED: 1, IN_PROGRESS: 0, NOT_STARTED: 0}

    fr = matrix(db, catalogue, language="fr")
    assert fr.total == 1
    assert cells(fr) == {(K2, UT): (FAILED, 1, 0.666667), (K2, LI): (IN_PROGRESS, 1, None)}

    ar = matrix(db, catalogue, language="ar")
    assert cells(ar) == {(K1, UT): (PASSED, 2, 1.0), (K1, LI): (FAILED, 1, 0.666667)}

    # Attempts started 2 and 3 March: L1's second (passing) attempt and L3's attempt.
    span = matrix(db, catalogue, date_from=date(2026, 3, 2), date_to=date(2026, 3, 3))
    assert cells(span) == {(K1, UT): (PASSED, 1, 1.0), (K3, UT): (PASSED, 1, 1.0)}
    assert span.summary[UT] == {PASSED: 2, FAILED: 0, IN_PROGRESS: 0, NOT_STARTED: 0}

    border_matrix = matrix(db, catalogue, audience="border")
    border = [m.id for m in border_matrix.modules]
    assert UT in border and "border-identification" in border and LI not in border
    # L1's labour-inspection attempt is not counted when that module is hidden.
    row1 = next(r for r in border_matrix.rows if r.actor_key == K1)
    assert (row1.passed, row1.attempts) == (1, 2) and LI not in row1.cells
    assert [r.actor_key for r in matrix(db, catalogue, audience="border", sort="attempts", descending=True).rows] == [K1, K3, K2]  # 2, 1, 1 (ties by name)
    inspection = [m.id for m in matrix(db, catalogue, audience="labour-inspection").modules]
    assert LI in inspection and "border-identification" not in inspection


def test_completion_pages(db, catalogue):
    first = queries.completion(db, ALL, Filters(), catalogue, page_size=2)
    second = queries.completion(db, ALL, Filters(page=2), catalogue, page_size=2)
    assert (first.total, first.pages, second.page) == (3, 2, 2)
    assert [r.actor_key for r in first.rows + second.rows] == [K3, K2, K1]
    assert second.rows[0].cells[UT].status == PASSED  # cells are filled for the page's learners too


def test_trainer_scope_limits_the_matrix(db, catalogue, seeded):
    b_only = Scope((seeded.cohort_b,))
    m = matrix(db, catalogue, scope=b_only)
    assert [r.actor_key for r in m.rows] == [K3]
    with pytest.raises(queries.NotVisible):
        matrix(db, catalogue, scope=b_only, cohort=seeded.cohort_a)
    with pytest.raises(queries.NotVisible):
        queries.learner_detail(db, b_only, K1)


def test_learner_detail(db):
    who, progress, attempts = queries.learner_detail(db, ALL, K1)
    assert who["name"] == L1_NAME and who["cohort_name"] == "Inspectors north"
    assert progress[UT]["completed_at"] == "2026-03-02T11:00:00.000Z"
    assert progress[UT]["attempts_to_pass"] == 2
    summary = [(a.module_id, a.number, a.passed, a.score, a.answered, a.language) for a in attempts]
    assert summary == [
        (LI, 1, 0, 0.666667, 3, "ar"),
        (UT, 1, 0, 0.333333, 3, "ar"),
        (UT, 2, 1, 1.0, 3, "ar"),
    ]
    wrong = {(a.module_id, a.number): [(w["question_id"], [o["id"] for o in w["chosen"]]) for w in a.wrong] for a in attempts}
    assert wrong == {(LI, 1): [("q2", ["c"])], (UT, 1): [("q1", ["b"]), ("q3", ["a", "b"])], (UT, 2): []}
    assert attempts[1].wrong[0]["chosen"][0]["text"] == "Option B"


def test_module_statistics_per_language(db):
    stats = {(s.module_id, s.language): s for s in queries.module_stats(db, None)}
    ut_ar = stats[(UT, "ar")]
    assert (ut_ar.attempts, ut_ar.finished, ut_ar.passed, ut_ar.pass_rate) == (2, 2, 1, 0.5)
    assert ut_ar.average_score == pytest.approx((0.333333 + 1.0) / 2)
    assert ut_ar.attempts_to_pass == 2
    ut_fr = stats[(UT, "fr")]
    assert (ut_fr.finished, ut_fr.pass_rate, ut_fr.attempts_to_pass) == (1, 0.0, None)
    ut_en = stats[(UT, "en")]
    assert (ut_en.pass_rate, ut_en.average_score, ut_en.attempts_to_pass) == (1.0, 1.0, 1)
    li_fr = stats[(LI, "fr")]
    assert (li_fr.attempts, li_fr.finished, li_fr.passed, li_fr.pass_rate, li_fr.average_score) == (1, 0, 0, None, None)

    for total in ({s.module_id: s for s in queries.module_stats(db, None, by_language=False)}[UT],
                  queries.module_totals(list(stats.values()))[UT]):
        assert (total.attempts, total.finished, total.passed, total.pass_rate) == (4, 4, 2, 0.5)
        assert total.average_score == pytest.approx((0.333333 + 1.0 + 0.666667 + 1.0) / 4)
        assert total.attempts_to_pass == pytest.approx(1.5)
    li = queries.module_totals(list(stats.values()))[LI]
    assert (li.attempts, li.finished, li.pass_rate, li.average_score) == (2, 1, 0.0, pytest.approx(0.666667))


def test_questions_most_often_wrong_with_the_wrong_options_chosen(db, seeded):
    qs = queries.question_stats(db, None, UT, None)
    assert [(q.question_id, q.answered, q.wrong) for q in qs] == [("q1", 4, 2), ("q3", 4, 1), ("q2", 4, 0)]
    assert qs[0].wrong_options == [("b", "Option B", 1), ("c", "Option C", 1)]
    # q3 is multiple choice (a+c); L1 chose a+b: only b was a wrong option.
    assert qs[1].wrong_options == [("b", "Option B", 1)]
    assert qs[0].text == "Which three elements make up trafficking?"

    arabic = queries.question_stats(db, None, UT, "ar")
    assert [(q.question_id, q.answered, q.wrong) for q in arabic] == [("q1", 2, 1), ("q3", 2, 1), ("q2", 2, 0)]
    cohort_a = queries.question_stats(db, [seeded.cohort_a], UT, None)
    assert [(q.question_id, q.answered, q.wrong) for q in cohort_a] == [("q1", 3, 2), ("q3", 3, 1), ("q2", 3, 0)]
    cohort_b = queries.question_stats(db, [seeded.cohort_b], UT, None)
    assert all(q.wrong == 0 and q.answered == 1 for q in cohort_b)


def test_score_distribution(db):
    assert queries.score_histogram(db, None, UT, None) == [0, 0, 0, 1, 0, 0, 1, 0, 0, 2]
    assert queries.score_histogram(db, None, UT, "ar") == [0, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    assert queries.score_histogram(db, None, LI, "fr") == [0] * 10  # started, never finished


def test_completion_over_time(db, seeded):
    daily = queries.passes_by_day(db, [seeded.cohort_a, seeded.cohort_b], [UT, LI])
    assert daily == {seeded.cohort_a: [("2026-03-02", 1)], seeded.cohort_b: [("2026-03-03", 1)]}
    # cohort A: 2 learners x 2 modules = 4 pairs, one passed
    assert queries.cumulative_share(daily[seeded.cohort_a], 4) == [("2026-03-02", 0.25)]
    assert queries.cumulative_share([("d1", 1), ("d2", 2)], 4) == [("d1", 0.25), ("d2", 0.75)]


def test_stale_devices_and_code_states():
    now = datetime(2026, 3, 20, tzinfo=timezone.utc)
    recent = {"last_sync_at": "2026-03-19T10:00:00.000Z", "enrolled_at": "2026-01-01T00:00:00Z"}
    silent = {"last_sync_at": "2026-03-10T10:00:00.000Z", "enrolled_at": "2026-01-01T00:00:00Z"}
    never = {"last_sync_at": None, "enrolled_at": "2026-03-01T00:00:00Z"}
    fresh = {"last_sync_at": None, "enrolled_at": "2026-03-19T00:00:00Z"}
    revoked = {**silent, "revoked_at": "2026-03-11T00:00:00Z"}
    assert [queries.is_stale(d, now, 7) for d in (recent, silent, never, fresh, revoked)] == [False, True, True, False, False]
    assert queries.is_stale(silent, now, 14) is False
    state = lambda **kw: queries.code_state({"uses": 0, "max_uses": None, "expires_at": None, "revoked_at": None, **kw}, now)  # noqa: E731
    assert state() == "active"
    assert state(expires_at="2026-03-19T00:00:00Z") == "expired"
    assert state(revoked_at="2026-03-01T00:00:00Z") == "withdrawn"
    assert state(max_uses=2, uses=2) == "used"


def test_cohort_page_flags_silent_devices(seeded):
    db = seeded.db()
    ten_days_ago = (datetime.now(timezone.utc) - timedelta(days=10)).isoformat().replace("+00:00", "Z")
    db.execute("UPDATE device SET last_sync_at = ?, pending_count = 12, reported_at = ? WHERE id = ?",
               [ten_days_ago, ten_days_ago, seeded.devices["B"][0]])
    db.conn.commit()
    db.conn.close()
    with TestClient(seeded.app) as client:
        login(client, "admin")
        page = client.get(f"/dashboard/cohorts/{seeded.cohort_b}").text
        assert 'class="stale"' in page and ">12<" in page
        assert client.get(f"/dashboard/cohorts/{seeded.cohort_b}?stale=14").text.count('class="stale"') == 0
        assert 'class="stale"' not in client.get(f"/dashboard/cohorts/{seeded.cohort_a}").text
        overview = client.get("/dashboard/").text
        assert overview.count('<span class="warn">1</span>') == 1  # cohort B's silent device, counted in SQL
    db = seeded.db()
    assert queries.silent_devices(db, [seeded.cohort_a, seeded.cohort_b], now=datetime.now(timezone.utc), days=7) == {
        seeded.cohort_b: 1}


def test_pages_show_the_same_figures(seeded):
    with TestClient(seeded.app) as client:
        login(client, "trainer_a")
        page = client.get(f"/dashboard/completion?cohort={seeded.cohort_a}").text
        assert L1_NAME in page and L2_NAME in page and "2 learners" in page
        q = client.get(f"/dashboard/questions?cohort={seeded.cohort_a}&module={UT}").text
        assert q.index("Which three elements") < q.index("Which are indicators") < q.index("A passport kept")
        assert "67%" in q  # q1 in cohort A: 2 of 3 answers wrong
        learner = client.get("/dashboard/learner", params={"key": K1}).text
        assert L1_NAME in learner and "Option B" in learner


def test_module_columns_follow_the_curriculum_then_modules_seen_only_in_statements(tmp_path):
    from trainer.server.db import open_server_db
    from trainer.server.dashboard.modules import ModuleInfo

    db = open_server_db(tmp_path / "s.db")
    db.execute("INSERT INTO dash_module_name (module_id, language, name) VALUES ('zz-night-work', 'fr-CA', 'Travail de nuit')")
    db.execute("INSERT INTO dash_module_name (module_id, language, name) VALUES (?, 'xx', 'Sent name')", [UT])
    ids = [m.id for m in module_catalogue(db)]
    assert ids[0] == UT and ids[-1] == "zz-night-work" and LI in ids
    extra = module_catalogue(db)[-1]
    assert (extra.title("fr"), extra.title("ar")) == ("Travail de nuit", "Travail de nuit")
    assert module_catalogue(db)[0].title("en").startswith("Understanding")  # the curriculum's title wins
    assert ModuleInfo("m", 1).title("en") == "m"


def test_matrix_cells_say_passed_failed_in_progress_and_not_started_in_words_and_marks(seeded):
    import re

    with TestClient(seeded.app) as client:
        login(client, "admin")
        page = client.get("/dashboard/completion").text
    cells = re.findall(r'<td class="cell (\w+)">(.*?)</td>', page, re.S)
    by_state = {}
    for state, body in cells:
        by_state.setdefault(state, []).append(" ".join(re.sub(r"<[^>]+>", " ", body).split()))
    assert set(by_state) == {"passed", "failed", "in_progress", "not_started"}
    # Each state has its own mark and its own visible words; a failed cell gives best score and attempts.
    assert all(t.startswith("✔ Passed") for t in by_state["passed"])
    assert by_state["failed"] == ["✘ Not passed best 67% 1 attempt"] * 2
    assert by_state["in_progress"] == ["◐ In progress 1 attempt"]
    assert all(t == "○ Not started" for t in by_state["not_started"])
    assert "✔ Passed best 100% 2 attempts" in by_state["passed"]
    # The per-module bars carry the marks too, and name the state in each segment's tooltip.
    bars = page[page.index('<svg class="chart bars"'):]
    assert "✘" in bars and "Not passed" in bars
