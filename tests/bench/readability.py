"""Readability of the training modules: per module and language, words, sentences and the
average sentence length; for English also Flesch reading ease and Flesch-Kincaid grade.

    python tests/bench/readability.py            # the bundled curricula
    python tests/bench/readability.py path/to/curricula
    python tests/bench/readability.py --selftest # how good the syllable heuristic is

What is measured: the learner-facing body of each module, i.e. every section title and body
except `## Sources` (a list of citations would distort the figures). Quizzes are not included.

Why not the `textstat` package: for English it needs NLTK's CMU pronouncing dictionary, which
it downloads from the internet on first use. Waymark's tests must run offline, so this script
implements the two formulas itself with a documented syllable heuristic (below).

Counting rules (the same for every language):
- Markdown is reduced to text first: link targets and `{#ids}` are dropped, emphasis marks
  removed, list markers stripped.
- A word is a run of letters or digits, with inner apostrophes or hyphens ("don't",
  "16-hour", "d'orientation" are one word each). Arabic attaches some prepositions and
  conjunctions to the word that follows, so Arabic has fewer words for the same content.
- A sentence ends at ".", "!", "?", "؟" or "…" followed by a space, and at the end of every
  heading, list item and paragraph. Common abbreviations ("Art.", "No.", "e.g.", "p.m.",
  "par.", "párr.", single initials) and decimal points do not end a sentence. List items
  count as sentences because learners read them as separate units.

Flesch reading ease  = 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)
Flesch-Kincaid grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59
(Flesch 1948; Kincaid et al. 1975). Both are defined for English only.

English syllable heuristic (`syllables`):
1. A token with digits counts one syllable per digit ("27" -> 2, "2005" -> 4).
2. An all-capital token of 2+ letters (an acronym such as ILO, NRM) counts one per letter.
3. Otherwise, lower-case the word ("y" before a vowel counts as a consonant) and count groups
   of vowels (a, e, i, o, u, y), then:
   - a final silent "e" does not count ("make", "module"), but "-le" after a consonant does
     ("table");
   - a final "-ed" or "-es" after a consonant does not add a syllable ("forced", "makes"),
     except "-ted"/"-ded" ("wanted") and "-es" after s, x, z, ch, sh, g or c ("boxes",
     "wages", "services");
   - vowel pairs that are usually two syllables add one: "ia", "io", "iu" (not after c or t,
     so "nation" stays two), "eo" (not in "people"), "ua", "uo"; a final "-ea" or "-reate"
     adds one ("area", "create"); "-ism" adds one ("tourism");
   - every word has at least one syllable.
The `--selftest` option prints the heuristic's hit rate on a hand-counted word list.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from trainer.core.curricula.loader import check_curricula, default_curricula_dir  # noqa: E402

LANGUAGES = ("en", "fr", "es", "ar")
EXCLUDED_SECTIONS = ("sources",)

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
HEADING_ID = re.compile(r"\s*\{#[^}]*\}\s*$")
LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
SENTENCE_END = re.compile(r"(?<=[.!?؟…])[\"'»”’)\]]*\s+")

ABBREVIATIONS = [
    # English
    "Art.", "art.", "No.", "no.", "e.g.", "i.e.", "etc.", "p.m.", "a.m.", "ed.", "eds.", "vs.",
    "Dr.", "Mr.", "Mrs.", "Ms.", "St.", "Ch.", "App.", "para.", "paras.",
    # French
    "par.", "p. ex.", "éd.", "n°.", "av.", "cf.",
    # Spanish
    "párr.", "p. ej.", "núm.", "Sr.", "Sra.", "ej.",
]
_DOT = "\u2024"  # one-dot leader: stands in for a protected full stop
_ABBR = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True)) + ")")
_INITIAL = re.compile(r"(?<![^\s(])([A-Z])\.(?=\s)")
_DECIMAL = re.compile(r"(?<=\d)\.(?=\d)")


def clean(markdown: str) -> list[str]:
    """Markdown -> text units (each heading, list item and paragraph is one unit)."""
    units: list[str] = []
    for block in re.split(r"\n\s*\n", markdown):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        paragraph: list[str] = []
        for line in lines:
            line = LINK.sub(r"\1", line)
            line = HEADING_ID.sub("", line)
            if line.lstrip().startswith("#") or LIST_MARKER.match(line):
                if paragraph:
                    units.append(" ".join(paragraph))
                    paragraph = []
                line = re.sub(r"^\s*#+\s*", "", line)
                units.append(LIST_MARKER.sub("", line))
            else:
                paragraph.append(line.strip().lstrip(">").strip())
        if paragraph:
            units.append(" ".join(paragraph))
    return [EMPHASIS.sub("", u).strip() for u in units if u.strip()]


def sentences_in(unit: str) -> list[str]:
    protected = _ABBR.sub(lambda m: m.group(0).replace(".", _DOT), unit)
    protected = _INITIAL.sub(lambda m: m.group(1) + _DOT, protected)
    protected = _DECIMAL.sub(_DOT, protected)
    parts = SENTENCE_END.split(protected)
    return [p for p in parts if WORD.search(p)]


def words_in(text: str) -> list[str]:
    return WORD.findall(text)


def syllables(word: str) -> int:
    if any(ch.isdigit() for ch in word):
        return max(1, sum(ch.isdigit() for ch in word))
    letters = re.sub(r"[^A-Za-z]", "", re.sub(r"['’]s$", "", word))  # possessive 's
    if not letters:
        return 1  # non-Latin script: not used for English
    if len(letters) >= 2 and letters.isupper():
        return len(letters)
    w = letters.lower()
    w = re.sub(r"y(?=[aeiou])", "j", w)  # "y" before a vowel is a consonant ("employer")
    count = len(re.findall(r"[aeiouy]+", w))
    if w.endswith("le") and len(w) > 2 and w[-3] not in "aeiouy":
        pass  # "table": the -le is its own syllable (already counted)
    elif w.endswith("e") and not w.endswith(("ee", "ye")) and count > 1:
        count -= 1  # silent final e ("make", "module")
    if count > 1 and re.search(r"[^aeiouy](ed)$", w) and not w.endswith(("ted", "ded")):
        count -= 1  # "forced"; but "wanted", "agreed"
    if count > 1 and re.search(r"[^aeiouy](es)$", w) and not re.search(r"(s|x|z|ch|sh|g|c)es$", w):
        count -= 1  # "makes"; but "boxes", "wages", "services"
    count += len(re.findall(r"(?<![ct])i[au]|(?<![ct])io(?!u)|(?<!p)eo|ua|uo", w))
    if w.endswith(("ea", "reate")):
        count += 1  # "area", "idea", "create"
    if w.endswith("ism"):
        count += 1
    return max(1, count)


def measure(text) -> dict:
    units = [u for s in text.sections if s.id not in EXCLUDED_SECTIONS for u in clean(f"### {s.title}\n\n{s.markdown}")]
    sents = [p for u in units for p in sentences_in(u)]
    words = [w for u in units for w in words_in(u)]
    result = {"words": len(words), "sentences": len(sents)}
    result["avg_sentence"] = len(words) / len(sents) if sents else 0.0
    if text.lang == "en" and words and sents:
        syl = sum(syllables(w) for w in words)
        wps, spw = len(words) / len(sents), syl / len(words)
        result["syllables"] = syl
        result["flesch"] = 206.835 - 1.015 * wps - 84.6 * spw
        result["fk_grade"] = 0.39 * wps + 11.8 * spw - 15.59
    return result


# Hand-counted syllables for the self-test. TUNING is the list the rules above were adjusted
# on (so its score is optimistic); HELD_OUT was written down before looking at the results.
TUNING = {
    "trafficking": 3, "labour": 2, "forced": 1, "person": 2, "people": 2, "referral": 3,
    "exploitation": 4, "indicator": 4, "indicators": 4, "identification": 6, "protocol": 3,
    "convention": 3, "consent": 2, "children": 2, "child": 1, "worker": 2, "workers": 2,
    "employer": 3, "passport": 2, "documents": 3, "wages": 2, "debt": 1, "recruitment": 3,
    "deception": 3, "vulnerability": 6, "threats": 1, "violence": 3, "inspector": 3,
    "border": 2, "officer": 3, "interpreter": 4, "private": 2, "safety": 2, "service": 2,
    "services": 3, "national": 3, "procedure": 3, "authority": 4, "module": 2, "section": 2,
    "question": 2, "answer": 2, "smuggling": 2, "migrant": 2, "migrants": 2, "agreed": 2,
    "promised": 2, "wanted": 2, "makes": 1, "table": 2, "people's": 2, "trauma": 2,
    "memory": 3, "behaviour": 3, "confidentiality": 6, "information": 4, "possible": 3,
    "situation": 4, "different": 3, "area": 3, "create": 2, "idea": 3, "housing": 2,
    "home": 1, "because": 2, "every": 3, "ILO": 3, "NRM": 3, "2005": 4, "16": 2,
}
HELD_OUT = {
    "agriculture": 4, "construction": 3, "domestic": 3, "excessive": 3, "overtime": 3,
    "isolation": 4, "restriction": 3, "movement": 2, "intimidation": 5, "retention": 3,
    "withholding": 3, "bondage": 2, "abusive": 3, "conditions": 3, "prevention": 3,
    "protection": 3, "remedies": 3, "compensation": 4, "prosecute": 3, "immigration": 4,
    "directive": 3, "criminality": 5, "begging": 2, "servitude": 3, "organs": 2, "removal": 3,
    "inspection": 3, "supervisor": 4, "recruiter": 3, "deductions": 3, "payroll": 2,
    "contract": 2, "shelter": 2, "counselling": 3, "assistance": 3, "reflection": 3,
    "recovery": 4, "expulsion": 3, "guardian": 3, "unaccompanied": 5, "trustworthiness": 4,
    "transparency": 4, "collaboration": 5, "empowerment": 4, "cultural": 3, "historical": 4,
    "gender": 2, "burnout": 2, "vicarious": 4, "compassion": 3, "fatigue": 2, "debriefing": 3,
    "supervision": 4, "organisation": 5, "encrypted": 3, "deleted": 3, "minimisation": 5,
    "anonymity": 5, "screening": 2, "checklist": 2, "reference": 3, "summary": 3, "quiet": 2,
    "science": 2, "fluent": 2,
}


def _score(name: str, words: dict[str, int]) -> None:
    misses = [(w, n, syllables(w)) for w, n in words.items() if syllables(w) != n]
    exact = len(words) - len(misses)
    off = sum(abs(a - b) for _, a, b in misses)
    print(f"{name}: {exact}/{len(words)} words exact ({exact / len(words):.0%}); "
          f"absolute error {off} of {sum(words.values())} syllables")
    for w, expected, got in misses:
        print(f"  {w}: expected {expected}, got {got}")


def selftest() -> None:
    _score("tuning list", TUNING)
    _score("held-out list", HELD_OUT)


def main(argv: list[str]) -> int:
    if "--selftest" in argv:
        selftest()
        return 0
    root = Path(argv[0]) if argv else default_curricula_dir()
    curriculum, errors = check_curricula(root)
    if curriculum is None or errors:
        print(f"{len(errors)} curricula errors; run `trainer curricula check` first", file=sys.stderr)
        return 1
    header = f"{'module':<31} {'lang':<4} {'words':>6} {'sent.':>6} {'w/sent':>7} {'Flesch':>7} {'FK grade':>8}"
    print(header)
    print("-" * len(header))
    totals: dict[str, list[int]] = {lang: [0, 0] for lang in LANGUAGES}
    for module in curriculum.modules:
        for lang in LANGUAGES:
            text = module.texts.get(lang)
            if text is None:
                print(f"{module.id:<31} {lang:<4} {'missing':>6}")
                continue
            r = measure(text)
            totals[lang][0] += r["words"]
            totals[lang][1] += r["sentences"]
            flesch = f"{r['flesch']:7.1f}" if "flesch" in r else f"{'':7}"
            grade = f"{r['fk_grade']:8.1f}" if "fk_grade" in r else f"{'':8}"
            print(f"{module.id:<31} {lang:<4} {r['words']:6d} {r['sentences']:6d} {r['avg_sentence']:7.1f} {flesch} {grade}")
    print("-" * len(header))
    for lang, (w, s) in totals.items():
        print(f"{'all modules':<31} {lang:<4} {w:6d} {s:6d} {w / s if s else 0:7.1f}")
    print("\nBody without the Sources section. Flesch and Flesch-Kincaid are for English only.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
