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
        print(f"trainer: no module '{args.module}'; known: {', '.join(m.id for m in curriculum.modules)}", file=sys.stderr)
        return 2
    if args.lang not in module.languages:
        print(f"trainer: module '{module.id}' is not written in '{args.lang}'; available: "
              f"{', '.join(module.languages)}", file=sys.stderr)
        return 2
    html = render_module_html(module, args.lang, print_labels(args.lang, module.estimated_minutes))
    if args.output in (None, "-"):
        sys.stdout.write(html)
    else:
        Path(args.output).write_text(html, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows each option's default after its help, unless the help already says it or there is
    none worth saying (None, False)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (
            "default" in text
            or default in (None, False, argparse.SUPPRESS)
            or isinstance(action, (argparse._HelpAction, argparse._VersionAction))
            or (not action.option_strings and action.nargs not in (argparse.OPTIONAL, argparse.ZERO_OR_MORE))
        ):
            return text
        return f"{text} (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """Every `trainer` parser and sub-parser (add_subparsers uses the parent's class)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


APP_EPILOG = """With no command, `trainer` runs `trainer app`: options such as --port go straight after
`trainer`, e.g. `trainer --port 9000`. Run `trainer COMMAND --help` for a command's options."""


def print_labels(lang: str, minutes: int) -> dict[str, str]:
    """The printable page's own words in `lang` (the reader's catalogue strings)."""
    from .core.i18n import Translator

    t = Translator(lang)
    return {
        "contents": t.gettext("Contents"),
        "fallback": t.gettext("This module is not yet available in your language. It is shown in its original language."),
        "unreviewed": t.gettext("This translation has not yet been checked by a fluent reviewer."),
        "duration": t.ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes},
    }


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The full parser; with `command`, feature sub-commands are only imported when needed,
    so `trainer app` starts serving without loading the server or the checklist."""
    parser = Parser(
        prog="trainer",
        description="Waymark: offline training and indicator checklist for frontline workers.",
        epilog=APP_EPILOG,
    )
    # Shown in `trainer --help` (the default command's options); main() hands them to `app`.
    _app_options(parser.add_argument_group("app options (the default command)"))
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    app = sub.add_parser("app", help="serve the app on this computer (the default command)",
                         description="Serve the app on this computer, with the bundled curricula and a local SQLite file.")
    _app_options(app)
    app.set_defaults(func=_cmd_app)

    cur = sub.add_parser("curricula", help="check or print the training curricula")
    cur_sub = cur.add_subparsers(dest="curricula_command", required=True)
    check = cur_sub.add_parser("check", help="validate curricula; exits non-zero on any error")
    check.add_argument("path", nargs="?", default=None, help="curricula folder (default: the bundled one)")
    check.add_argument("--report", action="store_true", help="print the translation report even when there are errors")
    check.set_defaults(func=_cmd_check)
    pr = cur_sub.add_parser("print", help="write a module as printable HTML")
    pr.add_argument("module", help="the module's id, e.g. understanding-trafficking")
    pr.add_argument("--lang", default="en", help="the language to print (one the module is written in)")
    pr.add_argument("--curricula", default=None, help="curricula folder (default: the bundled one)")
    pr.add_argument("-o", "--output", default=None, help="file to write (default: standard output)")
    pr.set_defaults(func=_cmd_print)

    for add in _feature_cli(command):
        add(sub)
    return parser


def _app_options(p) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1: this computer only)")
    p.add_argument("--port", type=int, default=8550, help="TCP port to serve on")
    p.add_argument("--data-dir", default=None,
                   help="folder for the device database (default: $WAYMARK_DATA_DIR, else the per-user data folder, "
                        "e.g. ~/.local/share/waymark)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser (one opens only when there is a display)")


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
