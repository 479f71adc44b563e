"""Reviewing the corpus's translations: what staff see per language, what a review or correction writes, and
the export of reviews back into the corpus files (python -m app.cli translations export).

A review is a database row (TranslationReview), audited; the latest per (language, source hash) is served at
once over the file (app.translate.corpus.CorpusTranslator.apply_reviews) and survives rebuilds until exported.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.corpus.invariants import check_translation
from app.corpus.document import load_corpus
from app.corpus.passages import split_passages
from app.corpus.sentences import SentenceUnit, quotable, sentence_units
from app.store.staff_models import TranslationReview
from app.translate.corpus import TRANSLATIONS_DIR, Rendering, load_entries

ORDER = {"failing": 0, "stale": 1, "missing": 2, "unreviewed": 3, "reviewed": 4}


@dataclass
class Row:
    sentence_id: str
    source_hash: str
    source: str
    translation: str
    state: str            # failing | stale | missing | unreviewed | reviewed
    detail: str = ""      # what a failing translation lacks; when a reviewed one was checked, by whom


def latest_reviews(db: Session) -> dict[tuple[str, str], TranslationReview]:
    out: dict[tuple[str, str], TranslationReview] = {}
    for r in db.scalars(select(TranslationReview).order_by(TranslationReview.id)):
        out[(r.language, r.source_hash)] = r
    return out


def review_renderings(db: Session) -> dict[tuple[str, str], Rendering]:
    """What the translator serves over the files: the latest review of each sentence."""
    return {k: Rendering(r.translation, r.language, "reviewed", r.created_at.date().isoformat() if r.created_at else "",
                         r.reviewer) for k, r in latest_reviews(db).items()}


def rows(bundle, corpus_dir: Path, language: str, db: Session) -> list[Row]:
    """Every quotable sentence of the indexed texts in one language: failing, stale and missing first."""
    entries = load_entries(corpus_dir).get(language, {})
    by_id = {e.sentence_id: e for e in entries.values()}
    reviews = latest_reviews(db)
    out = []
    for u in sentence_units(bundle.passages):
        if u.footnote or not quotable(u.text):
            continue
        review = reviews.get((language, u.hash))
        entry = entries.get(u.hash)
        if review is not None:
            out.append(Row(u.id, u.hash, u.text, review.translation, "reviewed",
                           f"{review.action} by {review.reviewer or 'a removed account'} on {review.created_at:%Y-%m-%d}"))
        elif entry is not None:
            check = check_translation(entry.source, entry.translation)
            if not check.ok:
                out.append(Row(u.id, u.hash, u.text, entry.translation, "failing", "lacks " + ", ".join(check.missing)))
            else:
                out.append(Row(u.id, u.hash, u.text, entry.translation,
                               "reviewed" if entry.status == "reviewed" else "unreviewed", entry.by))
        elif u.id in by_id:
            old = by_id[u.id]
            out.append(Row(u.id, u.hash, u.text, old.translation, "stale",
                           f"made from an older text: {old.source}"))
        else:
            out.append(Row(u.id, u.hash, u.text, "", "missing"))
    return sorted(out, key=lambda r: ORDER[r.state])


def save_review(db: Session, language: str, sentence_id: str, source_hash: str, source: str, translation: str,
                action: str, staff) -> str:
    """Record a review ('reviewed': the translation as it stands, 'corrected': a new text). Returns "" or why not."""
    translation = " ".join(translation.split())
    if not translation:
        return "The translation is empty."
    check = check_translation(source, translation)
    if not check.ok:
        return "The translation must keep every number, reference, web address and authority name of the Swedish " \
               "sentence; it lacks " + ", ".join(check.missing) + "."
    db.add(TranslationReview(language=language, sentence_id=sentence_id, source_hash=source_hash,
                             translation=translation, action=action, reviewer_id=staff.id, reviewer=staff.email))
    return ""


def current_sentences(corpus_dir: Path) -> dict[str, SentenceUnit]:
    """The corpus documents' sentences as the index splits them: source hash -> sentence (id, text)."""
    passages = [p for doc in load_corpus(Path(corpus_dir)) for p in split_passages(doc)]
    return {u.hash: u for u in sentence_units(passages)}


def export_reviews(db: Session, corpus_dir: Path, language: str | None = None) -> dict[str, int]:
    """Write the latest reviews into corpus/_translations/<lang>.jsonl (status reviewed, the reviewed text, who,
    when); the index must then be rebuilt. Returns the number of lines changed per language.

    A review of a sentence the file has no line for — a stale line (its source sentence changed since) or a
    sentence never translated — is written too: over the stale line of the same sentence id, else as a new line,
    with the current source text and hash. A review of a sentence no longer in the corpus is left in the database."""
    changed: dict[str, int] = {}
    reviews = latest_reviews(db)
    units: dict[str, SentenceUnit] | None = None
    for path in sorted((Path(corpus_dir) / TRANSLATIONS_DIR).glob("*.jsonl")):
        lang = path.stem
        if language and lang != language:
            continue
        rows_, n = [], 0
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            r = reviews.get((lang, row["source_hash"]))
            if r is not None and (row.get("status") != "reviewed" or row["translation"] != r.translation):
                row.update(translation=r.translation, status="reviewed", by=f"reviewed by {r.reviewer}",
                           at=r.created_at.date().isoformat())
                n += 1
            rows_.append(row)
        in_file = {row["source_hash"] for row in rows_}
        pending = [r for (lg, h), r in reviews.items() if lg == lang and h not in in_file]
        if pending:
            units = current_sentences(corpus_dir) if units is None else units
            for r in sorted(pending, key=lambda r: r.id):
                unit = units.get(r.source_hash)
                if unit is None:
                    continue                      # its sentence has changed or gone since the review
                new = {"sentence_id": unit.id, "source_hash": unit.hash, "source": unit.text,
                       "translation": r.translation, "status": "reviewed", "by": f"reviewed by {r.reviewer}",
                       "at": r.created_at.date().isoformat()}
                stale = next((i for i, row in enumerate(rows_)
                              if row["sentence_id"] == unit.id and row["source_hash"] not in units), None)
                if stale is None:
                    rows_.append(new)
                else:
                    rows_[stale] = new
                n += 1
        if n:
            path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows_), encoding="utf-8")
        changed[lang] = n
    return changed
