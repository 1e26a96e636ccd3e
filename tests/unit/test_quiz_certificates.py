"""Certificates: only for completed modules, dated with Babel, self-contained printable HTML."""

from __future__ import annotations

import re

import pytest

from trainer.core.i18n import strip_bidi

from trainer.core.certificates import (
    curriculum_certificate,
    curriculum_certificate_html,
    format_certificate_date,
    module_certificate,
    module_certificate_html,
)
from trainer.core.progress import record_section_read, update_learner
from trainer.core.quiz.attempts import record_attempt
from trainer.core.quiz.shuffle import question_order
from trainer.core.storage import open_db

from tests.unit.quiz_support import SECTION_IDS, T0, all_correct, later, make_module


@pytest.fixture
def db():
    return open_db(":memory:")


def complete(db, module, minutes=5):
    for sid in SECTION_IDS:
        record_section_read(db, module, sid, lang="en")
    quiz = module.quizzes["en"]
    return record_attempt(db, module=module, quiz=quiz, answers=all_correct(quiz), seed=1,
                          question_order=question_order(quiz, 1), started_at=T0, submitted_at=later(minutes))


def test_no_certificate_before_completion(db):
    module = make_module()
    assert module_certificate(db, module, "en") is None
    assert curriculum_certificate(db, [module], "en") is None
    assert curriculum_certificate(db, [], "en") is None


def test_module_certificate_data_and_html(db):
    module = make_module()
    complete(db, module)
    update_learner(db, display_name="Amina <Inspector>")
    cert = module_certificate(db, module, "en")
    assert cert.module_title == "Understanding trafficking" and cert.best_score == 1.0
    assert cert.completed_at == later(5)
    page = module_certificate_html(cert, "en")
    assert '<html lang="en" dir="ltr">' in page
    assert "March 3, 2025" in page  # Babel, long format, English
    assert "Amina &lt;Inspector&gt;" in page  # escaped
    assert "100%" in page


def test_arabic_certificate_is_rtl_with_arabic_date(db):
    module = make_module()
    complete(db, module)
    cert = module_certificate(db, module, "ar")
    assert cert.module_title == "فهم الاتجار بالبشر"
    page = module_certificate_html(cert, "ar", _=lambda s: {"Certificate of completion": "شهادة إتمام"}.get(s, s))
    assert '<html lang="ar" dir="rtl">' in page and "شهادة إتمام" in page
    assert format_certificate_date(cert.completed_at, "ar") in page
    assert "مارس" in format_certificate_date(cert.completed_at, "ar")
    # Identifiers, versions and the score read left to right inside the Arabic page.
    assert f'<bdi dir="ltr">{cert.certificate_id}</bdi>' in page
    assert f'<bdi dir="ltr">{cert.module_version}</bdi>' in page
    if cert.best_score is not None:
        assert re.search(r'<bdi dir="ltr">\d+%</bdi>', page)


def test_html_has_no_external_resources(db):
    module = make_module()
    complete(db, module)
    page = module_certificate_html(module_certificate(db, module, "en"), "en")
    assert not re.search(r"(src|href)\s*=|@import|url\(|<script", page)


def test_curriculum_certificate_needs_every_module(db):
    a, b = make_module("a-module"), make_module("b-module")
    complete(db, a, minutes=5)
    assert curriculum_certificate(db, [a, b], "en") is None
    complete(db, b, minutes=9)
    cert = curriculum_certificate(db, [a, b], "fr")
    assert [m.module_id for m in cert.modules] == ["a-module", "b-module"]
    assert cert.completed_at == later(9)
    page = curriculum_certificate_html(cert, "fr")
    assert "3 mars 2025" in page and page.count("<li>") == 2
    assert cert.learner.display_name is None
    # No name given: the pseudonymous id, isolated so that it reads left to right in any page.
    assert f"Learner {cert.learner.id[:8]}" in strip_bidi(page)
