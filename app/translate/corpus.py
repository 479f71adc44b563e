"""The corpus's own translations: every quotable sentence in each supported language, vetted and labelled.

Authorities publish translated pages rather than machine-translate; Källa keeps sentence-aligned translations
of its texts beside them (corpus/_translations/<lang>.jsonl: sentence id, source hash, source, translation,
status unreviewed | reviewed, who, when) and serves them first. A translation is served only
- for exactly the source text it was made from (its hash): a corrected source sentence makes it stale, never wrong;
- when it keeps every number, reference, URL and authority name of its source (app/corpus/invariants.py);
- in its latest reviewed form: a staff review or correction (the database) wins over the file until exported.
An authority's own translation of a document (a corpus document with `translation_of`) wins over Källa's.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from app.corpus.invariants import check_translation
from app.corpus.passages import Passage
from app.corpus.sentences import SentenceUnit, source_hash
from app.translate.protocol import TranslationUnavailable

log = logging.getLogger("kalla.translate")
TRANSLATIONS_DIR = Path("_translations")
# Weakest first: a quote's label is the weakest of its sentences'.
STATUS_ORDER = ("machine", "unreviewed", "reviewed", "authority")


@dataclass(frozen=True)
class Rendering:
    """One source sentence in the resident's language, and where that text comes from."""
    text: str
    language: str
    status: str                # machine | unreviewed | reviewed | authority
    reviewed_at: str = ""      # reviewed: the day it was checked
    by: str = ""               # authority: its name; reviewed: who checked it


@dataclass(frozen=True)
class Entry:
    sentence_id: str
    source_hash: str
    source: str
    translation: str
    status: str
    by: str
    at: str


@dataclass
class LanguageReport:
    """Coverage of one language, for the manifest, /readyz and /staff/corpus."""
    units: int = 0            # quotable sentences of the corpus
    translated: int = 0       # ... with a current translation that passes the invariant check
    reviewed: int = 0         # ... of which a person has checked
    stale: int = 0            # a translation exists for the sentence's place, made from an older text
    failing: int = 0          # a current translation that drops a number, reference, URL or name (never served)
    failing_ids: list[str] = field(default_factory=list)
    stale_ids: list[str] = field(default_factory=list)


def translation_files(corpus_dir: Path) -> list[Path]:
    folder = Path(corpus_dir) / TRANSLATIONS_DIR
    return sorted(folder.glob("*.jsonl")) if folder.exists() else []


def load_entries(corpus_dir: Path) -> dict[str, dict[str, Entry]]:
    """language -> source hash -> entry (the file's content, unchecked)."""
    out: dict[str, dict[str, Entry]] = {}
    for path in translation_files(corpus_dir):
        table: dict[str, Entry] = {}
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                table[row["source_hash"]] = Entry(row["sentence_id"], row["source_hash"], row.get("source", ""),
                                                  row["translation"], row.get("status", "unreviewed"),
                                                  row.get("by", ""), row.get("at", ""))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{n}: not a translation line ({exc})") from exc
        out[path.stem] = table
    return out


class CorpusTranslator:
    """Serves the corpus translations (and authorities' own translations) behind the Translator protocol."""

    def __init__(self, entries: dict[str, dict[str, Entry]], authority: dict[str, dict[str, Rendering]] | None = None):
        self._entries = entries
        self._authority = authority or {}
        self._reviews: dict[tuple[str, str], Rendering] = {}
        self._ok: dict[tuple[str, str], bool] = {}

    # --- the Translator protocol (a quote of one sentence at a time) -------------------------------------
    def can_translate(self, source: str, target: str) -> bool:
        return source == "sv" and (target in self._entries or target in self._authority)

    def translate(self, text: str, source: str, target: str, cache_key: str | None = None) -> str:
        rendering = self.render(text, source, target)
        if rendering is None:
            raise TranslationUnavailable(f"no corpus translation of this sentence into {target}")
        return rendering.text

    # --- what localise uses ----------------------------------------------------------------------------
    def render(self, sentence: str, source: str, target: str) -> Rendering | None:
        """The sentence in `target`: the authority's translation, else a reviewed or checked one of Källa's."""
        if source != "sv":
            return None
        h = source_hash(sentence)
        own = self._authority.get(target, {}).get(h)
        if own is not None:
            return own
        reviewed = self._reviews.get((target, h))
        if reviewed is not None:
            return reviewed
        entry = self._entries.get(target, {}).get(h)
        if entry is None or not self.passes(target, entry):
            return None
        return Rendering(entry.translation, target, "reviewed" if entry.status == "reviewed" else "unreviewed",
                         entry.at if entry.status == "reviewed" else "", entry.by)

    def passes(self, language: str, entry: Entry) -> bool:
        key = (language, entry.source_hash)
        if key not in self._ok:
            self._ok[key] = check_translation(entry.source, entry.translation).ok
        return self._ok[key]

    def apply_reviews(self, reviews: dict[tuple[str, str], Rendering]) -> None:
        """Staff reviews and corrections from the database: (language, source hash) -> the reviewed rendering.
        A correction must keep the source's numbers and names like any translation."""
        ok = {}
        for (lang, h), r in reviews.items():
            entry = self._entries.get(lang, {}).get(h)
            if entry is None or check_translation(entry.source, r.text).ok:
                ok[(lang, h)] = r
        self._reviews = ok

    def languages(self) -> list[str]:
        return sorted(set(self._entries) | set(self._authority))

    def report(self, units: list[SentenceUnit], quotable) -> dict[str, LanguageReport]:
        """Per language: how many of the corpus's quotable sentences are translated, reviewed, stale, failing."""
        wanted = [u for u in units if not u.footnote and quotable(u.text)]
        out: dict[str, LanguageReport] = {}
        for lang in self.languages():
            rep = LanguageReport(units=len(wanted))
            entries = self._entries.get(lang, {})
            by_id = {e.sentence_id: e for e in entries.values()}
            for u in wanted:
                rendering = self.render(u.text, "sv", lang)
                entry = entries.get(u.hash)
                if rendering is not None:
                    rep.translated += 1
                    rep.reviewed += rendering.status in ("reviewed", "authority")
                elif entry is not None:
                    rep.failing += 1
                    rep.failing_ids.append(u.id)
                elif u.id in by_id:
                    rep.stale += 1
                    rep.stale_ids.append(u.id)
            out[lang] = rep
        return out


def authority_translations(passages: list[Passage]) -> dict[str, dict[str, Rendering]]:
    """Sentences of authorities' own translated documents (front matter `translation_of`), aligned to the source
    document's sentences where the two have the same passages and sentences (a page translated sentence for
    sentence); a document that does not align is still searchable and quotable in its own language."""
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.document_id, []).append(p)
    out: dict[str, dict[str, Rendering]] = {}
    for doc_id, translated in by_doc.items():
        first = translated[0]
        source = by_doc.get(first.translation_of) if first.translation_of else None
        if not source:
            continue
        shape = [len(p.sentences) for p in source]
        if shape != [len(p.sentences) for p in translated]:
            log.info("translation %s of %s does not align sentence for sentence; not used as a translation",
                     doc_id, first.translation_of)
            continue
        table = out.setdefault(first.language, {})
        for sp, tp in zip(source, translated):
            for s, t in zip(sp.sentences, tp.sentences):
                table[source_hash(s)] = Rendering(t, first.language, "authority", by=first.authority)
    return out


def status_counts(reports: dict[str, LanguageReport]) -> dict[str, dict]:
    return {lang: {"units": r.units, "translated": r.translated, "reviewed": r.reviewed, "stale": r.stale,
                   "failing": r.failing} for lang, r in reports.items()}


def weakest(statuses: list[str]) -> str:
    """The label a quote of several sentences gets: its weakest sentence's."""
    return min(statuses, key=STATUS_ORDER.index) if statuses else ""
