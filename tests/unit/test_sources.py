"""Source drafts and checks, the parts that need no model: front matter rules, new version ids, the schedule, diffs."""
from __future__ import annotations

import datetime as dt

from app.sources.check import new_version_id, text_diff
from app.sources.drafts import DraftMeta, suggested_id
from app.sources.jobs import check_due

GOOD = DraftMeta(id="testkoping-stod", title="Stöd", authority="Testköpings kommun", published="2026-11-02",
                 url="https://testkoping.example/stod/atervandring.html")


def test_front_matter_rules_say_what_stops_publication():
    assert GOOD.problems({"other"}) == []
    assert any("already has" in p for p in GOOD.problems({"testkoping-stod"}))
    assert any("another open draft" in p for p in GOOD.problems(set(), {"testkoping-stod"}))
    home = DraftMeta(**{**GOOD.to_dict(), "url": "https://www.migrationsverket.se/"})
    assert any("a home page is not the document" in p for p in home.problems(set()))
    nowhere = DraftMeta(**{**GOOD.to_dict(), "url": ""})
    assert any(p.startswith("reference:") for p in nowhere.problems(set()))
    assert DraftMeta(**{**nowhere.to_dict(), "reference": "Rapport, Dnr 1.2.3, 2026-11-02"}).problems(set()) == []
    bad = DraftMeta.from_dict({"id": "X", "published": "2 nov", "language": "xx", "status": "old", "precedence": "many",
                               "translation_of": "ghost"})
    fields = {p.split(":")[0] for p in bad.problems(set())}
    assert fields == {"id", "title", "authority", "published", "language", "status", "precedence", "reference",
                      "translation_of"}


def test_form_values_keep_their_defaults_when_left_empty():
    m = DraftMeta.from_dict({"status": "", "precedence": "", "ocr_repair": "on", "title": "  Stöd  "})
    assert (m.status, m.precedence, m.ocr_repair, m.title) == ("current", 50, True, "Stöd")


def test_ids_for_new_sources_and_new_versions_are_free():
    meta = DraftMeta(title="Återvandringsbidrag i Testköping", authority="Testköpings kommun", published="2026-11-02")
    assert suggested_id(meta, set()) == "testkopings-kommun-atervandringsbidrag-i-testkoping-2026"
    assert suggested_id(meta, {"testkopings-kommun-atervandringsbidrag-i-testkoping-2026"}).endswith("-2")
    assert new_version_id("stod", {"stod"}) == "stod-v2"
    assert new_version_id("stod-v2", {"stod", "stod-v2"}) == "stod-v3"


def test_a_scheduled_check_is_due_once_per_interval_across_replicas():
    now = dt.datetime(2026, 12, 7, 12, tzinfo=dt.timezone.utc)
    assert check_due(None, now, 24)
    assert not check_due(now - dt.timedelta(hours=23), now, 24)
    assert check_due((now - dt.timedelta(hours=25)).replace(tzinfo=None), now, 24)    # SQLite gives naive times
    assert not check_due(None, now, 0)


def test_the_diff_shows_changed_paragraphs_old_and_new():
    diff = text_diff("# T\n\nBidraget är 15 000 kronor.\n\nOförändrat stycke.", "# T\n\nBidraget är 20 000 kronor.\n\n"
                     "Oförändrat stycke.", "published", "now")
    assert "-Bidraget är 15 000 kronor." in diff and "+Bidraget är 20 000 kronor." in diff
    assert "-Oförändrat" not in diff and "+Oförändrat" not in diff
