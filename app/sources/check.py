"""Sources stay current: fetch every served document that has an address, compare a normalised content hash with
the text that was published, and record what changed (with a diff) or that the page is gone.

A document published through a draft carries the hash of its source text in its front matter (`content_hash`);
for one that does not, the first check records the hash as the baseline. Superseded documents are not checked:
their newer version is. A changed source becomes a draft of its new version (`draft_from_check`); approving it
supersedes the old document.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.corpus.document import Document, load_corpus
from app.corpus.extract import ExtractError, Extracted, content_hash, document_body, extract, kind_of
from app.sources.drafts import DraftMeta, SourceText, create_draft
from app.sources.fetch import FetchError, fetch
from app.store.audit import audit
from app.store.source_models import SourceCheck

log = logging.getLogger("kalla.sources")
FLAGGED = ("changed", "vanished", "unreachable")
MAX_DIFF_CHARS = 200_000


def checked_documents(docs: list[Document]) -> list[Document]:
    return [d for d in docs if d.url and d.status != "superseded"]


def text_diff(old_body: str, new_body: str, old_name: str, new_name: str) -> str:
    """Unified diff by paragraph (one line each), so a changed sentence shows as its paragraph, old and new."""
    def lines(body: str) -> list[str]:
        return [" ".join(p.split()) for p in body.split("\n\n") if p.strip()]
    diff = "\n".join(difflib.unified_diff(lines(old_body), lines(new_body), old_name, new_name, n=1, lineterm=""))
    return diff[:MAX_DIFF_CHARS]


def baseline(db: Session, doc: Document) -> str:
    """The hash the source is compared with: the published one, else the first recorded for this address."""
    if doc.content_hash:
        return doc.content_hash
    return db.scalar(select(SourceCheck.content_hash).where(
        SourceCheck.document_id == doc.id, SourceCheck.url == doc.url, SourceCheck.content_hash != "",
        SourceCheck.outcome.in_(("recorded", "unchanged"))).order_by(SourceCheck.id).limit(1)) or ""


def check_document(db: Session, doc: Document, max_bytes: int, actor: str) -> SourceCheck:
    known = baseline(db, doc)
    row = SourceCheck(document_id=doc.id, url=doc.url[:1000], known_hash=known, actor=actor[:254])
    try:
        fetched = fetch(doc.url, max_bytes)
        row.http_status = fetched.status
        extracted = extract(fetched.data, kind_of(fetched.final_url.split("?", 1)[0], fetched.content_type,
                                                  fetched.data))
    except FetchError as exc:
        row.http_status, row.message = exc.status, str(exc)[:500]
        row.outcome = "vanished" if exc.vanished else "unreachable"
        return row
    except ExtractError as exc:
        row.outcome, row.message = "changed", f"the page no longer has text Källa can read: {exc}"[:500]
        row.diff = text_diff(doc.body, "", doc.id, f"{doc.url} (now)")
        return row
    row.content_hash, row.kind = content_hash(extracted.text), extracted.kind
    if not known:
        row.outcome, row.message = "recorded", "first check: this text is the baseline for the next ones"
    elif row.content_hash == known:
        row.outcome = "unchanged"
    else:
        row.outcome, row.extracted = "changed", extracted.text
        row.diff = text_diff(doc.body, document_body(extracted, doc.title), f"{doc.id} (published)",
                             f"{doc.url} ({dt.date.today().isoformat()})")
    return row


def check_sources(db: Session, corpus_dir, max_bytes: int, *, actor: str, user_id: int | None = None) -> list[SourceCheck]:
    rows = []
    for doc in checked_documents(load_corpus(corpus_dir)):
        row = check_document(db, doc, max_bytes, actor)
        db.add(row)
        rows.append(row)
        log.info("source %s: %s %s", doc.id, row.outcome, row.message)
    counts = {o: sum(1 for r in rows if r.outcome == o) for o in {r.outcome for r in rows}}
    audit(db, "sources_checked", user_id=user_id, actor=actor, target=f"{len(rows)} sources",
          detail={"outcomes": counts, "flagged": [r.document_id for r in rows if r.outcome in FLAGGED]})
    return rows


def latest_checks(db: Session) -> dict[str, SourceCheck]:
    """document id -> its most recent check."""
    newest = select(func.max(SourceCheck.id)).group_by(SourceCheck.document_id)
    return {c.document_id: c for c in db.scalars(select(SourceCheck).where(SourceCheck.id.in_(newest)))}


def last_check_time(db: Session) -> dt.datetime | None:
    return db.scalar(select(func.max(SourceCheck.checked_at)))


def new_version_id(doc_id: str, taken: set[str], today: dt.date | None = None) -> str:
    stem = doc_id.rsplit("-v", 1)[0] if doc_id.rsplit("-v", 1)[-1].isdigit() else doc_id
    n = 2
    while f"{stem}-v{n}" in taken:
        n += 1
    return f"{stem}-v{n}"


def draft_from_check(db: Session, check: SourceCheck, corpus_dir, *, actor: str, user_id: int | None = None):
    """A draft of the source's new version, replacing the published document once approved."""
    docs = {d.id: d for d in load_corpus(corpus_dir)}
    old = docs.get(check.document_id)
    if old is None or check.outcome != "changed" or not check.extracted:
        raise ValueError("only a changed source that is still in the corpus can become a draft of its new version")
    extracted = Extracted(check.extracted, check.kind or "html")
    meta = DraftMeta(id=new_version_id(old.id, set(docs)), title=old.title, authority=old.authority, url=old.url,
                     reference=old.reference, language=old.language, published=dt.date.today().isoformat(),
                     status=old.status, precedence=old.precedence, translation_of=old.translation_of,
                     supersedes=old.id)
    meta = dataclasses.replace(meta, provenance=f"New version of {old.id}, fetched from {old.url} on "
                                                f"{check.checked_at:%Y-%m-%d} (source check {check.id}); {actor}.")
    return create_draft(db, SourceText(extracted, old.url, old.url), meta, set(docs), actor=actor, user_id=user_id,
                        check_id=check.id)


@dataclass(frozen=True)
class SourceRow:
    """A served document with an address, and its latest check, for /staff/corpus and the command line."""
    document: Document
    check: SourceCheck | None

    @property
    def flagged(self) -> bool:
        return self.check is not None and self.check.outcome in FLAGGED


def source_rows(db: Session, docs: list[Document]) -> list[SourceRow]:
    checks = latest_checks(db)
    return [SourceRow(d, checks.get(d.id)) for d in checked_documents(docs)]
