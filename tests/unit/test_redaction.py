"""Redaction as residents write: personal numbers in any digits, dashes and spaces, announced in any of the 16
languages, and addresses in the forms used where those languages are spoken (tests/data/redaction_multilingual.jsonl);
a property test over digit systems and separators; and no ordinary question changed."""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.i18n.languages import LANGUAGES
from app.pipeline.redact import PLACEHOLDER, fold, luhn_ok, matching_form, redact

ROOT = Path(__file__).resolve().parents[2]
ITEMS = [json.loads(line) for line in (ROOT / "tests/data/redaction_multilingual.jsonl").open(encoding="utf-8")]
# Forms every language has; personnummer in the language's own digits exists where it has its own digits.
EVERY_LANGUAGE = {"personnummer_en_dash", "samordningsnummer", "case_number_keyword", "lma_number", "lma_card",
                  "uma_card", "passport_keyword", "phone", "email", "address"}
OWN_DIGITS = {"ar", "fa", "prs", "ckb"}
# Every decimal digit Unicode knows, by its value: what residents' keyboards may send.
DIGITS = {v: [chr(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) == "Nd" and unicodedata.decimal(chr(c)) == v] for v in range(10)}
SEPARATORS = ["", "-", "+", " ", "\u2013", "\u2014", "\u2010", "\u2011", "\u2212", "\ufe63", "\uff0d", "\u00a0",
              "\u2009", "\u202f", "\u3000", " - ", "\u2013 ", "\u200b-\u200b", "-\u00ad"]


def digits_left(text: str) -> str:
    return re.sub(r"\D", "", fold(text))


def test_the_set_has_every_form_in_all_16_languages():
    forms: dict[str, set[str]] = {}
    for item in ITEMS:
        forms.setdefault(item["form"], set()).add(item["language"])
    for form in EVERY_LANGUAGE:
        assert forms[form] == set(LANGUAGES), form
    assert forms["personnummer_native_digits"] == OWN_DIGITS
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_every_item_loses_its_secret_and_keeps_the_rest(item):
    r = redact(item["text"])
    for secret in item["secrets"]:
        assert secret not in r.text, r.text
    for digits in item["digits"]:
        assert digits not in digits_left(r.text), r.text
    assert item["kind"] in r.kinds and PLACEHOLDER[item["kind"]] in r.text
    # the question itself stays as the resident wrote it: its last word without digits is still there
    last_word = [w for w in item["text"].split() if not any(ch.isdigit() for ch in w)][-1]
    assert last_word in r.text, r.text


def test_the_original_text_is_kept_where_nothing_is_found():
    text = "Mitt\u00a0personnummer är ١٩٨١١٢١٨–٩٨٧٦\u200b och jag bor i Örebro – hur gör jag?"
    assert redact(text).text == "Mitt\u00a0personnummer är [personnummer]\u200b och jag bor i Örebro – hur gör jag?"
    assert redact("Hur många ärenden kom in 2019–2024?").text == "Hur många ärenden kom in 2019–2024?"
    assert redact("Do I need a valid passport before I can apply?").found is False


def test_the_matching_form_maps_back_to_every_original_character():
    form = matching_form("ä\u200b١–x\uff11")
    assert form.text == "a1-x1" and form.origin == (0, 2, 3, 4, 5)


def test_ordinary_questions_are_not_touched():
    """The question bank, the topic examples and the evaluation questions hold no personal data: not one changes."""
    from app.datafile import load_yaml

    questions = []
    for path in sorted((ROOT / "corpus/_questions").glob("*.jsonl")):
        questions += [json.loads(line)["question"] for line in path.open(encoding="utf-8")]
    for path in sorted((ROOT / "corpus/topics").glob("*.yaml")):
        for topic in (load_yaml(path.read_text(encoding="utf-8")).get("topics") or {}).values():
            questions += topic.get("examples") or []
    for name in ("eval_corpus.jsonl", "eval_corpus_multilingual.jsonl", "eval_corpus_unanswerable.jsonl",
                 "resident_questions_holdout.jsonl", "resident_questions_tuning.jsonl", "langid.jsonl",
                 "offtopic_holdout_multilingual.jsonl", "guard_parallel_holdout.jsonl"):
        for line in (ROOT / "tests/data" / name).open(encoding="utf-8"):
            row = json.loads(line)
            questions.append(row.get("question") or row.get("message") or row.get("text"))
    assert len(questions) > 10_000
    changed = [(q, redact(q).text) for q in questions if redact(q).found]
    assert changed == []


# --- property: a valid personnummer in any digits, with any separator, in any surroundings ----------------

@st.composite
def personnummer(draw) -> tuple[str, str]:
    """(how the resident wrote it, its ten digits)."""
    year = draw(st.integers(1900, 2025))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28)) + draw(st.sampled_from([0, 60]))      # samordningsnummer add 60
    serial = draw(st.integers(0, 999))
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    check = next(c for c in range(10) if luhn_ok(body + str(c)))
    ten = body + str(check)
    century = str(year // 100) if draw(st.booleans()) else ""
    system = draw(st.sampled_from(["one", "mixed"]))
    zero_point = draw(st.integers(0, len(DIGITS[0]) - 1))

    def digit(ch: str) -> str:
        options = DIGITS[int(ch)]
        return options[zero_point % len(options)] if system == "one" else draw(st.sampled_from(options))

    date, rest = century + ten[:6], ten[6:]
    sep = draw(st.sampled_from(SEPARATORS))
    return "".join(map(digit, date)) + sep + "".join(map(digit, rest)), ten


# Surrounding text: anything but digits and characters that fold into digits (², ½, Ⅻ).
AROUND = st.text(st.characters(blacklist_categories=("Nd", "No", "Nl", "Cs")), max_size=30)


@settings(max_examples=400, derandomize=True, database=None, deadline=None)
@given(personnummer(), AROUND, AROUND)
def test_a_valid_personnummer_is_removed_whatever_digits_separators_and_surroundings(pnr, before, after):
    written, ten = pnr
    r = redact(f"{before} {written} {after}")
    assert r.found and digits_left(r.text) == "", (written, r.text)


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Nd", "No", "Nl", "Cs"), blacklist_characters="@"), max_size=200))
def test_text_without_digits_or_at_signs_passes_unchanged(text):
    assert redact(text).text == text
