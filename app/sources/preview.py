"""What a draft would change before anyone approves it: the resident topics it would answer, and the answers that
would change, found by asking the same questions of the live index and of a draft index built beside it.

The draft index is a temporary corpus folder (links to every live file, the draft written beside them, the
document it replaces marked superseded) built with the embedding cache, so only the draft's own texts are
embedded. Questions: recent residents' questions from the answer log (already redacted; the preview keeps only their
answers' ids) and, for each topic the draft touches, its example questions in Swedish, English and the draft's
language.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.corpus.document import Document, corpus_files, load_corpus, render_document
from app.corpus.passages import Passage
from app.index.build import build_index
from app.index.bundle import IndexBundle
from app.pipeline.answer import Answer, Question
from app.store.models import AnswerRecord
from app.topics.coverage import compute_coverage

log = logging.getLogger("kalla.sources")
LOGGED_QUESTIONS = 60          # the most recent distinct questions residents asked (last 30 days)
EXAMPLES_PER_LANGUAGE = 3      # a touched topic's example questions per language
MAX_QUESTIONS = 150


@dataclass(frozen=True)
class TopicImpact:
    topic: str
    name: str
    answers: int          # sentences of the draft that answer the topic
    mentions: int         # sentences that only mention it
    covered_now: bool     # the live texts already answer it

    @property
    def newly_covered(self) -> bool:
        return self.answers > 0 and not self.covered_now


def topic_impact(passages: list[Passage], bundle: IndexBundle | None) -> list[TopicImpact]:
    """The resident topics the draft's sentences would answer or mention (coverage as computed at build)."""
    catalogue = bundle.catalogue if bundle is not None else None
    if catalogue is None or not passages:
        return []
    cov = compute_coverage(passages, catalogue)
    out = []
    for t in catalogue.covered_by_texts():
        answers, mentions = len(cov.answers.get(t.id, [])), len(cov.mentions.get(t.id, []))
        if answers or mentions:
            out.append(TopicImpact(t.id, catalogue.text(t.id, "en").name, answers, mentions,
                                   bundle.coverage.covered(t.id)))
    return sorted(out, key=lambda t: (-t.answers, -t.mentions, t.topic))


def questions_to_ask(db: Session | None, bundle: IndexBundle | None, impact: list[TopicImpact],
                     language: str) -> list[tuple[str, str, str, str]]:
    """(question, language, where it comes from, the logged answer's id or ""), without repeats."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    if db is not None:
        since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=30)
        rows = db.execute(select(AnswerRecord.id, AnswerRecord.question, AnswerRecord.language)
                          .where(AnswerRecord.created_at >= since, AnswerRecord.status.in_(("answered", "no_answer")))
                          .order_by(AnswerRecord.created_at.desc()).limit(LOGGED_QUESTIONS * 4)).all()
        for answer_id, question, lang in rows:
            if question and len(out) < LOGGED_QUESTIONS:
                out.setdefault((question, lang), ("logged", answer_id))
    catalogue = bundle.catalogue if bundle is not None else None
    if catalogue is not None:
        for t in impact:
            for lang in dict.fromkeys(("sv", "en", language)):
                for e in [e for e in catalogue.examples if e.topic == t.topic and e.language == lang][:EXAMPLES_PER_LANGUAGE]:
                    out.setdefault((e.text, e.language), (f"example: {t.name}", ""))
    return [(q, lang, src, answer_id) for (q, lang), (src, answer_id) in out.items()][:MAX_QUESTIONS]


def draft_corpus(live_corpus: Path, root: Path, draft: Document) -> Path:
    """A corpus folder beside the live one: every live file linked, the draft written, what it replaces superseded."""
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    replaced = {d.id: d for d in load_corpus(live_corpus)}.get(draft.supersedes) if draft.supersedes else None
    for entry in Path(live_corpus).iterdir():
        if replaced is not None and entry.name == f"{replaced.id}.md":
            continue
        (corpus / entry.name).symlink_to(entry.resolve(), target_is_directory=entry.is_dir())
    if replaced is not None:
        (corpus / f"{replaced.id}.md").write_text(render_document(superseded(replaced, draft.id)), encoding="utf-8")
    (corpus / f"{draft.id}.md").write_text(render_document(draft), encoding="utf-8")
    assert len(corpus_files(corpus)) == len(corpus_files(live_corpus)) + 1
    return corpus


def superseded(doc: Document, by: str) -> Document:
    return dataclasses.replace(doc, status="superseded", superseded_by=by)


def _summary(a: Answer) -> dict:
    return {"status": a.status.value, "citations": [
        {"document_id": c.document_id, "title": c.title, "passage_id": c.passage_id, "status": c.status,
         "quote": c.quote[:240]} for c in a.citations]}


def answer_changes(before, after, questions: list[tuple[str, str, str, str]]) -> dict:
    """Ask each question of both pipelines; an answer changed when its status or its cited passages differ.

    A resident's question is kept only as its answer's id: the text stays in the answer log, where retention
    deletes it; a topic example is kept as written."""
    changed = []
    for text, lang, source, answer_id in questions:
        old, new = before.answer(Question(text, language=lang)), after.answer(Question(text, language=lang))
        if old.status != new.status or [c.passage_id for c in old.citations] != [c.passage_id for c in new.citations]:
            asked = {"answer_id": answer_id} if answer_id else {"question": text}
            changed.append({**asked, "language": lang, "source": source, "before": _summary(old),
                            "after": _summary(new)})
    return {"asked": len(questions), "logged": sum(1 for q in questions if q[2] == "logged"), "changed": changed,
            "computed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}


def preview_answers(live_pipeline, embedder, settings, draft: Document,
                    questions: list[tuple[str, str, str, str]]) -> dict:
    """Build the draft index beside the live one, ask the questions of both, remove the draft index."""
    index_parent = Path(settings.index_dir).resolve().parent
    index_parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=".draft-", dir=index_parent))
    try:
        corpus = draft_corpus(Path(settings.corpus_dir).resolve(), root, draft)
        build_index(corpus, root / "index", embedder, settings.approximate_index_above, cache_dir=settings.cache_dir)
        draft_bundle = IndexBundle.load(root / "index", corpus, embedder.id)
        live_bundle = live_pipeline.bundle
        before = dataclasses.replace(live_pipeline, bundle=live_bundle, embedder=embedder, translator=None)
        after = dataclasses.replace(live_pipeline, bundle=draft_bundle, embedder=embedder, translator=None)
        result = answer_changes(before, after, questions)
        result["live_index"] = live_bundle.manifest.version
        return result
    finally:
        shutil.rmtree(root, ignore_errors=True)


def logged_questions(db: Session, preview: dict) -> dict[str, str]:
    """answer id -> the resident's (redacted) question, for the changed answers of a preview still in the log."""
    ids = [c["answer_id"] for c in (preview or {}).get("changed", []) if c.get("answer_id")]
    if not ids:
        return {}
    return dict(db.execute(select(AnswerRecord.id, AnswerRecord.question).where(AnswerRecord.id.in_(ids))).all())
