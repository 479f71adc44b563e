"""Every resident-facing text exists, non-empty, in every supported language, with the same placeholders."""
import re

import pytest

from app.i18n.catalogue import MESSAGES_DIR, messages, meta, text
from app.i18n.languages import LANGUAGES, direction, normalise_code

SOURCE = messages("en")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_supported_language_has_a_catalogue_file():
    assert {p.stem for p in MESSAGES_DIR.glob("*.yaml")} == set(LANGUAGES)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_catalogue_complete_and_placeholders_kept(lang):
    msgs = messages(lang)
    missing = sorted(set(SOURCE) - set(msgs))
    empty = sorted(k for k, v in msgs.items() if not v.strip())
    extra = sorted(set(msgs) - set(SOURCE))
    assert not missing and not empty and not extra, (missing, empty, extra)
    for key, value in SOURCE.items():
        assert set(PLACEHOLDER.findall(msgs[key])) == set(PLACEHOLDER.findall(value)), key


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_review_status_is_declared(lang):
    m = meta(lang)
    assert m.get("language") == lang and isinstance(m.get("needs_review"), bool)


def test_names_and_numbers_stay_as_they_are():
    for lang in LANGUAGES:
        assert "112" in text("crisis_emergency", lang) and "1177" in text("crisis_healthcare", lang)
        assert "90101" in text("crisis_suicide_line", lang)
        assert "Migrationsverket" in text("migrationsverket_name", lang)
        assert text("rejected_too_long", lang, max_chars=1000).count("1000") == 1


def test_directions_and_codes():
    assert {c for c in LANGUAGES if direction(c) == "rtl"} == {"ar", "fa", "prs", "ckb"}
    assert normalise_code("sv-SE") == "sv" and normalise_code("hr") == "bs" and normalise_code("xx") is None
    assert not LANGUAGES["prs"].detectable, "Dari is chosen by the resident, never guessed"
