"""The enrolment form's input: a link pasted in either field, or the address and code typed."""

from __future__ import annotations

import pytest

from trainer.server.admin import enrol_link
from trainer.sync.enrol_link import enrolment_input, parse_enrol_link

SERVER = "http://192.168.1.10:8765"
CODE = "7C4P-8XGM-02TP"
LINK = enrol_link(SERVER, CODE)  # exactly what `trainer admin create-code --server-url` and the sheet print


def test_the_printed_link_round_trips():
    assert LINK == "waymark://enrol?server=http%3A%2F%2F192.168.1.10%3A8765&code=7C4P-8XGM-02TP"
    assert parse_enrol_link(LINK) == (SERVER, CODE)


@pytest.mark.parametrize("text", [
    LINK,
    "  " + LINK + "\n",
    "WAYMARK://ENROL?server=http%3A%2F%2F192.168.1.10%3A8765&code=7C4P-8XGM-02TP",
    "waymark:enrol?server=http%3A%2F%2F192.168.1.10%3A8765&code=7C4P-8XGM-02TP",
    "waymark://enrol/?code=7C4P-8XGM-02TP&server=http%3A%2F%2F192.168.1.10%3A8765",
    f"Enrol your phone with {LINK}. See you on Monday!",
    f"({LINK})",
    f"<{LINK}>",
])
def test_links_as_people_paste_them(text):
    assert parse_enrol_link(text) == (SERVER, CODE)


@pytest.mark.parametrize("text, expected", [
    ("http://192.168.1.10:8765/enrol?code=7C4P-8XGM-02TP", (SERVER, CODE)),
    ("https://training.example.org/waymark/enrol/?code=7C4P-8XGM-02TP", ("https://training.example.org/waymark", CODE)),
    ("HTTPS://training.example.org/enrol?code=7C4P-8XGM-02TP&x=1", ("https://training.example.org", CODE)),
    (f"http://x.example/enrol?server={SERVER}&code={CODE}", (SERVER, CODE)),
])
def test_the_web_form_of_the_link(text, expected):
    assert parse_enrol_link(text) == expected


@pytest.mark.parametrize("text", [
    "", None, CODE, SERVER, "http://192.168.1.10:8765/xapi/", "waymark://enrol?server=" + SERVER,
    "waymark://enrol?code=" + CODE, "waymark://settings?server=a&code=b", "http://x.example/enrol?server=a",
])
def test_not_a_link(text):
    assert parse_enrol_link(text) is None


def test_the_form_takes_a_link_from_either_field_and_otherwise_what_was_typed():
    assert enrolment_input("", LINK) == (SERVER, CODE)  # pasted into the code field
    assert enrolment_input(LINK, "") == (SERVER, CODE)  # pasted into the server field
    assert enrolment_input("http://old.example", LINK) == (SERVER, CODE)  # the printed link wins
    assert enrolment_input(" 192.168.1.10:8765 ", " 7c4p 8xgm 02tp ") == ("192.168.1.10:8765", "7c4p 8xgm 02tp")
    assert enrolment_input(None, None) == ("", "")
