#!/usr/bin/env bash
# Re-extract UI strings and merge them into every catalogue (run after changing UI text).
# Then translate the new/fuzzy entries in locales/<lang>/LC_MESSAGES/messages.po.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F locales/babel.cfg -k N_ -o locales/messages.pot \
  --project=Waymark --version=0.1.0 --copyright-holder="Waymark contributors" \
  --msgid-bugs-address="translations@waymark.invalid" --add-comments=Translators: --sort-by-file .
pybabel update -i locales/messages.pot -d locales --previous
# Optional: compiled .mo files speed up start-up slightly; the app compiles in memory otherwise.
if [[ "${1:-}" == "--compile" ]]; then pybabel compile -d locales --statistics; fi
