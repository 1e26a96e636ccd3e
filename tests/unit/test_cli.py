"""The `trainer` command line as a person meets it: help for everything, one clear line for
every mistake, and never "running at" before the server really listens."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.cli import build_parser, main
from trainer.core.datadir import data_dir_problem

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True, text=True, timeout=timeout, env=env)


def all_parsers(parser: argparse.ArgumentParser, path: str = "trainer"):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from all_parsers(sub, f"{path} {name}")


def test_every_command_and_option_has_help():
    missing = []
    for path, parser in all_parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if not (action.help or "").strip():
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    if not (choice.help or "").strip():
                        missing.append(f"{path} {choice.dest} (command)")
    assert missing == []


def test_help_shows_defaults_and_the_app_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--port", "--host", "--data-dir", "--no-browser"):
        assert option in out
    assert "(default: 8550)" in out and "(default: 127.0.0.1)" in out
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    out = capsys.readouterr().out
    assert "(default: 8765)" in out and "(default: None)" not in out


def test_print_with_a_language_the_module_lacks_names_the_available_ones(tmp_path):
    out_file = tmp_path / "m.html"
    r = run_cli("curricula", "print", "understanding-trafficking", "--lang", "xx", "-o", str(out_file))
    assert r.returncode == 2
    assert "not written in 'xx'" in r.stderr and "available: ar, en, es, fr" in r.stderr
    assert "Traceback" not in r.stderr and not out_file.exists()


def test_printable_arabic_module_has_no_english_labels(tmp_path):
    out_file = tmp_path / "m.html"
    r = run_cli("curricula", "print", "understanding-trafficking", "--lang", "ar", "-o", str(out_file))
    assert r.returncode == 0, r.stderr
    page = out_file.read_text(encoding="utf-8")
    assert 'dir="rtl"' in page
    for english in ("Contents", "minutes", "not yet been checked", "fluent"):
        assert english not in page
    assert "المحتويات" in page and "دقيقة" in page


def test_data_dir_problems_are_named(tmp_path):
    assert data_dir_problem(tmp_path / "new" / "folder") is None
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert "is a file, not a folder" in data_dir_problem(a_file)
    assert "part of the path is a file" in data_dir_problem(a_file / "below")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_data_dir_is_named(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert "not writable" in data_dir_problem(ro)
    finally:
        ro.chmod(0o700)


def test_app_on_a_data_dir_that_is_a_file_says_one_line_and_exits(tmp_path):
    a_file = tmp_path / "data"
    a_file.write_text("not a folder")
    r = run_cli("app", "--no-browser", "--port", "0", "--data-dir", str(a_file))
    assert r.returncode == 2
    assert "running at" not in r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(a_file) in lines[0] and "--data-dir" in lines[0]


def test_app_on_a_port_in_use_says_one_line_and_never_running_at(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = run_cli("--no-browser", "--port", str(port), "--data-dir", str(tmp_path))
    assert r.returncode == 2
    assert "running at" not in r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "--port" in lines[0]


def test_gitignore_covers_the_virtualenv_and_test_artifacts():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in (".venv/", "tests/browser/artifacts/", "tests/bench/out/"):
        assert entry in ignored


def test_app_says_running_only_when_listening_and_titles_its_page(tmp_path):
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "--no-browser", "--port", str(port), "--data-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert f"running at http://127.0.0.1:{port}/" in line and str(tmp_path) in line
        # Said only once listening: the port accepts a connection straight away.
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    page = r.read().decode()
                    length = int(r.headers["content-length"])
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert "<title>Waymark</title>" in page and "<title>Flet</title>" not in page
        assert length == len(page.encode())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
