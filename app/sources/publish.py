"""Approve → publish: the only way a draft reaches residents. Writes corpus/<id>.md (and the extracted text to
corpus/_raw/), marks the document it replaces superseded, and records who decided; the caller then rebuilds the
index (the staff console's hot swap, or the command line's build)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.corpus.document import load_corpus, render_document
from app.corpus.ingest import write_document
from app.sources.drafts import draft_document, meta_of, open_draft_ids
from app.sources.preview import superseded
from app.store.audit import audit
from app.store.models import utcnow
from app.store.source_models import SourceDraft


class NotPublishable(ValueError):
    """The draft cannot be published as it stands; the message says why."""


def problems(db: Session, draft: SourceDraft, corpus_dir: Path) -> list[str]:
    if draft.state != "draft":
        return [f"this draft was already {draft.state}"]
    ids = {d.id for d in load_corpus(corpus_dir)}
    out = meta_of(draft).problems(ids, open_draft_ids(db, but=draft.id))
    if not draft_document(draft).body.strip() or len(draft.body.split()) < 5:
        out.append("the text is empty")
    return out


def publish(db: Session, draft: SourceDraft, corpus_dir: Path, *, actor: str, user_id: int | None = None) -> Path:
    found = problems(db, draft, corpus_dir)
    if found:
        raise NotPublishable("; ".join(found))
    doc = draft_document(draft)
    path = write_document(doc, draft.extracted, [], corpus_dir)
    if doc.supersedes:
        old = {d.id: d for d in load_corpus(corpus_dir)}[doc.supersedes]
        (Path(corpus_dir) / f"{old.id}.md").write_text(render_document(superseded(old, doc.id)), encoding="utf-8")
    draft.state, draft.decided_by, draft.decided_at = "published", actor, utcnow()
    audit(db, "source_published", user_id=user_id, actor=actor, target=draft.id,
          detail={"document_id": doc.id, "supersedes": doc.supersedes, "url": doc.url[:200],
                  "preview_state": draft.preview_state})
    return path


def reject(db: Session, draft: SourceDraft, *, actor: str, user_id: int | None = None, reason: str = "") -> None:
    if draft.state != "draft":
        raise NotPublishable(f"this draft was already {draft.state}")
    draft.state, draft.decided_by, draft.decided_at = "rejected", actor, utcnow()
    audit(db, "source_draft_rejected", user_id=user_id, actor=actor, target=draft.id,
          detail={"document_id": draft.document_id, "reason": reason[:300]})
