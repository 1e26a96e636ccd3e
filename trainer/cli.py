"""`trainer` command line: the app, curricula tools, and (with their features) server and admin."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_app(args: argparse.Namespace) -> int:
    from .ui.serve import serve_app

    return serve_app(host=args.host, port=args.port, data_dir=args.data_dir, open_browser=not args.no_browser)


def _cmd_check(args: argparse.Namespace) -> int:
    from .core.curricula.loader import check_curricula, translation_report

    curriculum, errors = check_curricula(args.path)
    for e in errors:
        print(e, file=sys.stderr)
    if curriculum is not None:
        n = len(curriculum.modules)
        print(f"{n} module{'s' if n != 1 else ''} loaded from {args.path or 'the bundled curricula'}; {len(errors)} error{'s' if len(errors) != 1 else ''}.")
        if args.report or not errors:
            print("\nTranslation report (modules per language):")
            for lang, r in translation_report(curriculum).items():
                print(f"  {lang}: {len(r['complete'])} complete, {len(r['unreviewed'])} not yet reviewed by a fluent human, {len(r['missing'])} missing")
                if r["unreviewed"]:
                    print(f"      not yet reviewed: {', '.join(r['unreviewed'])}")
                if r["missing"]:
                    print(f"      missing (shown in the source language): {', '.join(r['missing'])}")
    return 1 if errors else 0


def _cmd_print(args: argparse.Namespace) -> int:
    from .core.curricula.loader import load_curricula
    from .core.curricula.render import render_module_html

    curriculum = load_curricula(args.curricula)
    module = curriculum.module(args.module)
    if module is None:
        print(f"no module '{args.module}'; known: {', '.join(m.id for m in curriculum.modules)}", file=sys.stderr)
        return 2
    html = render_module_html(module, args.lang)
    if args.output in (None, "-"):
        sys.stdout.write(html)
    else:
        Path(args.output).write_text(html, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `command`, feature sub-commands are only imported when needed,
    so `trainer app` starts serving without loading the server or the checklist."""
    parser = argparse.ArgumentParser(prog="trainer", description="Waymark: offline training and indicator checklist.")
    sub = parser.add_subparsers(dest="command")

    app = sub.add_parser("app", help="serve the app on this computer (default command)")
    _app_options(app)
    app.set_defaults(func=_cmd_app)

    cur = sub.add_parser("curricula", help="check or print the training curricula")
    cur_sub = cur.add_subparsers(dest="curricula_command", required=True)
    check = cur_sub.add_parser("check", help="validate curricula; exits non-zero on any error")
    check.add_argument("path", nargs="?", default=None, help="curricula folder (default: the bundled one)")
    check.add_argument("--report", action="store_true", help="print the translation report even when there are errors")
    check.set_defaults(func=_cmd_check)
    pr = cur_sub.add_parser("print", help="write a module as printable HTML")
    pr.add_argument("module")
    pr.add_argument("--lang", default="en")
    pr.add_argument("--curricula", default=None)
    pr.add_argument("-o", "--output", default=None)
    pr.set_defaults(func=_cmd_print)

    for add in _feature_cli(command):
        add(sub)
    return parser


def _app_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8550)
    p.add_argument("--data-dir", default=None, help="where the device database lives")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")


SERVER_COMMANDS = {"serve", "admin"}
CHECKLIST_COMMANDS = {"referrals"}


def _feature_cli(command: str | None = None):
    """Sub-commands contributed by features (server, admin, referrals)."""
    adders = []
    if command is None or command in SERVER_COMMANDS:
        from .server.cli import add_cli as server_cli

        adders.append(server_cli)
    if command is None or command in CHECKLIST_COMMANDS:
        from .core.checklist.cli import add_cli as checklist_cli

        adders.append(checklist_cli)
    return adders


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help"):
        argv = ["app", *argv]
    known = {"app", "curricula"} | SERVER_COMMANDS | CHECKLIST_COMMANDS
    parser = build_parser(argv[0] if argv[0] in known else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
