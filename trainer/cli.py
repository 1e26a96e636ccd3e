"""`trainer` command line: the app, curricula tools, and (with their features) server and admin."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
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
            _print_indicator_report(args.path)
    return 1 if errors else 0


def _print_indicator_report(path: str | None) -> None:
    """Per indicator set: verification per profile, and the status of every language."""
    from .core.checklist import load_indicator_sets
    from .core.checklist.report import report_lines
    from .core.curricula.loader import default_curricula_dir
    from .core.errors import DataErrors

    root = Path(path) if path else default_curricula_dir()
    if not (root / "indicators").is_dir():
        return
    try:
        sets = load_indicator_sets(root)
    except DataErrors:
        return  # the errors were printed above
    print("\nIndicator sets:")
    for line in report_lines(sets):
        print(line)


def _cmd_compile(args: argparse.Namespace) -> int:
    from .core.curricula.cache import compile_curricula

    path, errors = compile_curricula(args.curricula, args.out)
    for e in errors:
        print(e, file=sys.stderr)
    if path is None:
        print("trainer: not compiled: fix the errors above first (trainer curricula check).", file=sys.stderr)
        return 1
    print(f"compiled {args.curricula or 'the bundled curricula'} into {path}")
    return 0


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


def _cmd_i18n_status(args: argparse.Namespace) -> int:
    from .core import catalogues
    from .core.errors import rel
    from .core.i18n import locales_dir

    locales = Path(args.locales) if args.locales else locales_dir()
    if not locales.is_dir():
        print(f"trainer: no locales folder at {locales}", file=sys.stderr)
        return 2
    result = catalogues.compute(locales)
    for e in result.errors:
        print(e, file=sys.stderr)
    print("\n".join(catalogues.report_lines(result, locales)))
    failed = bool(result.errors) or any(s.problem for s in result.statuses)
    for lang in args.missing or ():
        if lang not in result.codes or lang == catalogues.SOURCE_LANGUAGE:
            print(f"trainer: no catalogue for '{lang}'; known: {', '.join(result.codes[1:])}", file=sys.stderr)
            return 2
        missing = catalogues.untranslated_ids(locales, lang)
        print(f"\n{lang}: {len(missing)} string{'s' if len(missing) != 1 else ''} shown in English "
              f"(missing, empty or fuzzy in {rel(catalogues.catalogue_path(locales, lang))}):")
        for msgid in missing:
            print(f"  {(msgid[0] if isinstance(msgid, tuple) else msgid)!r}")
    status_file = Path(args.write or args.check or locales / "STATUS.md")
    if args.write or args.check:
        try:
            text = status_file.read_text(encoding="utf-8")
            new = catalogues.updated_status_file(text, result)
        except (OSError, catalogues.StatusFileError) as exc:
            print(f"{rel(status_file)}: {exc}", file=sys.stderr)
            return 1
        counts_file = locales / catalogues.COUNTS_NAME
        counts = catalogues.shipped_counts(locales, result)
        old_counts = counts_file.read_text(encoding="utf-8") if counts_file.is_file() else ""
        if args.write:
            for path, before, after in ((status_file, text, new), (counts_file, old_counts, counts)):
                if after != before:
                    path.write_text(after, encoding="utf-8")
                    print(f"wrote {rel(path)}")
                else:
                    print(f"{rel(path)} was already up to date")
        else:
            for path, stale in ((status_file, new != text), (counts_file, counts != old_counts)):
                if stale:
                    print(f"\n{rel(path)}: out of date; run: trainer i18n status --write {rel(status_file)}", file=sys.stderr)
                    failed = True
    if args.check:
        drift = catalogues.template_drift(locales)
        if drift is not None and any(drift):
            missing, gone = drift
            print(f"\n{rel(locales / catalogues.TEMPLATE_NAME)}: out of date with the code ({len(missing)} new, "
                  f"{len(gone)} removed); run: locales/update.sh", file=sys.stderr)
            for m in missing[:10]:
                print(f"  new: {m!r}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


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


def _cmd_keygen(args: argparse.Namespace) -> int:
    from .core.packs import generate_key

    out = Path(args.output)
    pub = out.with_suffix(".pub")
    if out.exists() or pub.exists():
        print(f"trainer: {out if out.exists() else pub} already exists; choose another name with -o (a key is never overwritten)", file=sys.stderr)
        return 2
    pem, line = generate_key()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    pub.write_text(f"# Waymark content-pack public key, made {date.today().isoformat()}\n{line}\n", encoding="utf-8")
    print(f"signing key: {out} (keep it offline, readable by you only)\npublic key:  {pub} "
          f"(devices trust packs signed with it once it is in trainer/assets/keys/ of the app build)")
    return 0


def _cmd_pack(args: argparse.Namespace) -> int:
    from .core.packs import PackError, build_pack

    try:
        pem = Path(args.key).read_bytes()
    except OSError as exc:
        print(f"trainer: cannot read the signing key {args.key}: {exc.strerror}", file=sys.stderr)
        return 2
    only = [k.strip() for k in args.only.split(",")] if args.only else None
    try:
        m = build_pack(Path(args.src), Path(args.output), pem, args.version, pack_id=args.pack_id, only=only, notes=args.notes or "")
    except PackError as exc:
        print(f"trainer: pack not written: {exc}", file=sys.stderr)
        return 1
    size = Path(args.output).stat().st_size
    print(f"wrote {args.output}: pack '{m.pack_id}' version {m.version}, {len(m.files)} files, {size:,} bytes, signed by key {m.key_id}")
    return 0


def _content_store(data_dir: str | None):
    from .core.datadir import default_data_dir
    from .core.packs import ContentStore

    return ContentStore(Path(data_dir) if data_dir else default_data_dir())


def _trusted(data_dir: str | None):
    from .core.datadir import default_data_dir
    from .core.packs import bundled_keys_dir, load_trusted_keys

    base = Path(data_dir) if data_dir else default_data_dir()
    return load_trusted_keys(bundled_keys_dir(), base / "keys")


def _cmd_install(args: argparse.Namespace) -> int:
    from .core.packs import PackError

    try:
        trusted = _trusted(args.data_dir)
        if args.trust:
            trusted.update(_keys_from_files(args.trust))
        inst = _content_store(args.data_dir).install_file(Path(args.pack), trusted)
    except PackError as exc:
        print(f"trainer: not installed, nothing changed: {exc}", file=sys.stderr)
        return 1
    print(f"installed pack '{inst.pack_id}' version {inst.version}; restart the app to use it")
    return 0


def _keys_from_files(paths: list[str]) -> dict:
    from .core.packs import key_id, parse_public_line

    keys = {}
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                k = parse_public_line(line)
                keys[key_id(k)] = k
    return keys


def _cmd_rollback(args: argparse.Namespace) -> int:
    from .core.packs import PackError

    try:
        prev = _content_store(args.data_dir).rollback()
    except PackError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 1
    print(f"now using {'pack version ' + str(prev.version) if prev else 'the bundled curricula'}; restart the app to use it")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    st = _content_store(args.data_dir).status()
    if st["source"] == "bundled":
        print("content in use: the curricula bundled with the app")
    else:
        print(f"content in use: pack '{st['pack_id']}' version {st['version']} (key {st['key_id']}), installed {st['installed_at']}")
        print(f"rollback goes to: {('version ' + str(st['rollback_to'])) if st['rollback_to'] else 'the bundled curricula'}")
    return 0


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
    comp = cur_sub.add_parser("compile", help="validate, then write the compiled start-up cache (for packaging)",
                              description="Validate the curricula and write the compiled, hash-checked cache the app "
                                          "reads at start-up. Point WAYMARK_CURRICULA_CACHE at the folder in a package.")
    comp.add_argument("--curricula", default=None, help="curricula folder (default: the bundled one)")
    comp.add_argument("--out", required=True, help="folder to write the compiled cache into")
    comp.set_defaults(func=_cmd_compile)
    pr = cur_sub.add_parser("print", help="write a module as printable HTML")
    pr.add_argument("module", help="the module's id, e.g. understanding-trafficking")
    pr.add_argument("--lang", default="en", help="the language to print (one the module is written in)")
    pr.add_argument("--curricula", default=None, help="curricula folder (default: the bundled one)")
    pr.add_argument("-o", "--output", default=None, help="file to write (default: standard output)")
    pr.set_defaults(func=_cmd_print)

    kg = cur_sub.add_parser("keygen", help="make a key pair for signing content packs")
    kg.add_argument("-o", "--output", default="signing.key", help="private key file to write; the public key goes next to it as .pub")
    kg.set_defaults(func=_cmd_keygen)
    pk = cur_sub.add_parser("pack", help="check and sign a content pack for devices to install")
    pk.add_argument("src", help="curricula folder to pack (e.g. curricula)")
    pk.add_argument("-o", "--output", required=True, help="pack file to write, e.g. pack.wmp")
    pk.add_argument("--key", required=True, help="signing key from `trainer curricula keygen`")
    pk.add_argument("--version", type=int, required=True, help="pack version, a whole number larger than the last one published")
    pk.add_argument("--pack-id", default="curricula", help="name of the content channel the version counts in")
    pk.add_argument("--only", default=None, help="comma-separated subset: modules, glossary, indicators, referrals, curricula.toml (default: all)")
    pk.add_argument("--notes", default=None, help="what changed, shown to trainers")
    pk.set_defaults(func=_cmd_pack)
    ins = cur_sub.add_parser("install", help="install a content pack on this device (verified and checked first)")
    ins.add_argument("pack", help="the .wmp file")
    ins.add_argument("--data-dir", default=None, help="the device data folder (default: the app's per-user data folder)")
    ins.add_argument("--trust", action="append", help="also trust this public key file (.pub) for this install")
    ins.set_defaults(func=_cmd_install)
    rb = cur_sub.add_parser("rollback", help="go back to the previous content version on this device")
    rb.add_argument("--data-dir", default=None, help="the device data folder (default: the app's per-user data folder)")
    rb.set_defaults(func=_cmd_rollback)
    st = cur_sub.add_parser("status", help="which content version this device uses")
    st.add_argument("--data-dir", default=None, help="the device data folder (default: the app's per-user data folder)")
    st.set_defaults(func=_cmd_status)
    i18n = sub.add_parser("i18n", help="UI translations: how complete each language is",
                          description="Count every UI catalogue under locales/ with Babel: translated/total, what is "
                                      "shown in English, which languages are offered by default (locales/languages.toml) "
                                      "and each catalogue's review status.")
    i18n_sub = i18n.add_subparsers(dest="i18n_command", required=True)
    ist = i18n_sub.add_parser("status", help="per language: translated, total, percent, offered, review status")
    ist.add_argument("--locales", default=None, help="locales folder (default: the bundled one)")
    ist.add_argument("--missing", metavar="LANG", action="append",
                    help="also list the strings LANG does not translate (shown in English); repeatable")
    ist.add_argument("--write", metavar="STATUS.md", default=None,
                    help="regenerate the table in this file (e.g. locales/STATUS.md; the rest of it is kept) "
                         "and the counts the app ships with (locales/counts.json)")
    ist.add_argument("--check", metavar="STATUS.md", default=None,
                    help="exit non-zero if this file's table, locales/counts.json or messages.pot is out of date")
    ist.set_defaults(func=_cmd_i18n_status)

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
    known = {"app", "curricula", "i18n"} | SERVER_COMMANDS | CHECKLIST_COMMANDS
    parser = build_parser(argv[0] if argv[0] in known else None)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
