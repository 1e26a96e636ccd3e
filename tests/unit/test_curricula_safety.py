"""Issue 14: curricula are content, not code. The validator refuses raw HTML, script,
event-handler attributes, javascript:/data: links and images leaving the module folder, with
file:line; printable output escapes everything; deep nesting is a file:line error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer.core.curricula import check_curricula, load_curricula
from trainer.core.curricula.render import render_module_html, render_section_html
from trainer.core.tomllines import read_toml

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "curricula_small"

HOSTILE = {
    "<script>alert(1)</script>": "raw HTML",
    'A picture <img src="x.png" onerror="alert(1)">': "raw HTML",
    "<!-- hidden -->": "raw HTML",
    "[Click](javascript:alert(1))": "'javascript:' links",
    "[Click](JaVa\tScRiPt:alert(1))": "'javascript:' links",
    "![x](data:image/png;base64,AAAA)": "'data:' links",
    "[Read more](https://example.org){: onclick=\"steal()\"}": "event-handler",
    "![secret](../../../../etc/passwd)": "inside the module folder",
    "![remote](https://tracker.example.org/pixel.png)": "inside the module folder",
    "[ref]: javascript:alert(1)": "'javascript:' links",
    ">" * 40 + " too deep": "nested more than",
}


def _module_with(tmp_path: Path, line: str) -> tuple[Path, int]:
    root = tmp_path / "c"
    shutil.copytree(SMALL, root)
    en = root / "modules" / "alpha" / "en.md"
    lines = en.read_text(encoding="utf-8").splitlines()
    at = lines.index("The second section.") + 1
    lines.insert(at, "")
    lines.insert(at + 1, line)
    en.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root, at + 2


@pytest.mark.parametrize("line", list(HOSTILE))
def test_validator_refuses_code_in_content_with_file_and_line(tmp_path, line):
    root, lineno = _module_with(tmp_path, line)
    _cur, errors = check_curricula(root)
    hits = [e for e in errors if HOSTILE[line] in e.message]
    assert hits, [e.message for e in errors]
    assert hits[0].path.endswith("alpha/en.md") and hits[0].line == lineno


def test_code_spans_and_fences_may_show_html_as_text(tmp_path):
    root = tmp_path / "c"
    shutil.copytree(SMALL, root)
    en = root / "modules" / "alpha" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace(
        "The second section.", "The second section shows `<b>` as text.\n\n```\n<script>x()</script>\n```"), encoding="utf-8")
    load_curricula(root)  # no error


def test_printable_output_escapes_everything():
    out = render_section_html('<script>alert(1)</script> <img src=x onerror="alert(1)">\n\n'
                              '<div onclick="x()">block</div>\n\n[a](javascript:alert(1)) '
                              '[b](https://example.org){: onclick="x()"} ![i](data:image/png;base64,AA)')
    assert "<script" not in out and "<img src" not in out and "<div" not in out
    import re

    assert not re.search(r"<[^>]*\son[a-z]+=", out), "an event handler survived as an attribute"
    assert "javascript:" not in out and "data:image" not in out
    assert "&lt;script&gt;" in out


def test_printable_module_page_has_no_script(tmp_path):
    c = load_curricula(SMALL)
    page = render_module_html(c.module("alpha"), "en")
    assert "<script" not in page.lower()


def test_deep_toml_nesting_is_a_file_line_error_not_a_traceback(tmp_path):
    f = tmp_path / "deep.toml"
    f.write_text('title = "x"\n\nvalue = ' + "[" * 2000 + "]" * 2000 + "\n", encoding="utf-8")
    data, _text, errors = read_toml(f)
    assert data is None and errors[0].line == 3 and "nested more than" in errors[0].message
    f.write_text("a = 1\n" + "b = " + "{c = " * 500 + "1" + "}" * 500 + "\n", encoding="utf-8")
    data, _text, errors = read_toml(f)
    assert data is None and errors[0].line == 2
    f.write_text('[' + ".".join(["k"] * 3000) + "]\n", encoding="utf-8")
    data, _text, errors = read_toml(f)
    assert data is None and errors[0].line == 1


def test_deep_module_toml_is_reported_by_the_validator(tmp_path):
    root = tmp_path / "c"
    shutil.copytree(SMALL, root)
    toml = root / "modules" / "alpha" / "module.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "extra = " + "[" * 1500 + "]" * 1500 + "\n", encoding="utf-8")
    _cur, errors = check_curricula(root)
    assert any("nested more than" in e.message and e.path.endswith("module.toml") for e in errors)
