"""A draft of a new corpus document: the source's text as extracted, the front matter staff give it, and the body
residents would read once it is approved. Drafts live in the database (every replica sees them), never in the
corpus folder, so nothing of them reaches residents before app/sources/publish.py writes them there."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.corpus.document import STATUSES, Document, is_home_page
from app.corpus.extract import Extracted, content_hash, document_body, extract, kind_of
from app.corpus.passages import Passage, split_passages
from app.i18n.languages import LANGUAGES
from app.sources.fetch import fetch, valid_address
from app.store.audit import audit
from app.store.models import utcnow
from app.store.source_models import SourceDraft

DOCUMENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,80}")


@dataclass
class DraftMeta:
    """The front matter a draft will be published with (app/corpus/document.py has the meaning of each field)."""
    id: str = ""
    title: str = ""
    authority: str = ""
    url: str = ""
    reference: str = ""
    language: str = "sv"
    published: str = ""
    status: str = "current"
    precedence: int = 50
    translation_of: str = ""
    supersedes: str = ""
    provenance: str = ""
    ocr_repair: bool = False      # the text is OCR of a scan: run Källa's Swedish OCR repair over it

    @classmethod
    def from_dict(cls, d: Mapping) -> "DraftMeta":
        names = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in dict(d).items() if k in names and not (k in ("status", "precedence") and v in ("", None))}
        try:
            values["precedence"] = int(values.get("precedence", 50) or 0)
        except (TypeError, ValueError):
            values["precedence"] = -1                     # reported by problems()
        values["ocr_repair"] = str(values.get("ocr_repair", "")).lower() in ("1", "true", "on", "yes")
        return cls(**{k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()})

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def problems(self, corpus_ids: set[str], draft_ids: set[str] = frozenset()) -> list[str]:
        """What stops this front matter from being published ([] = it can be)."""
        out = []
        if not DOCUMENT_ID.fullmatch(self.id):
            out.append("id: 3–80 lower-case letters, digits and hyphens")
        elif self.id in corpus_ids:
            out.append(f"id: the corpus already has a document {self.id!r}")
        elif self.id in draft_ids:
            out.append(f"id: another open draft is called {self.id!r}")
        for name in ("title", "authority"):
            if not getattr(self, name):
                out.append(f"{name}: required")
        try:
            dt.date.fromisoformat(self.published)
        except ValueError:
            out.append("published: a date, YYYY-MM-DD")
        if self.language not in LANGUAGES:
            out.append(f"language: one of {', '.join(sorted(LANGUAGES))}")
        if self.status not in STATUSES:
            out.append(f"status: one of {', '.join(STATUSES)}")
        if not 0 <= self.precedence <= 1000:
            out.append("precedence: a whole number from 0 to 1000")
        if self.url and valid_address(self.url):
            out.append(f"url: {valid_address(self.url)}")
        elif self.url and is_home_page(self.url):
            out.append("url: a home page is not the document; give the page or file the text is on, or leave it "
                       "empty and say where the text comes from under reference")
        if not self.url and not self.reference:
            out.append("reference: without an address, say where the text comes from (report, reference number, date)")
        for name in ("translation_of", "supersedes"):
            value = getattr(self, name)
            if value and value not in corpus_ids:
                out.append(f"{name}: no document {value!r} in the corpus")
        return out


@dataclass(frozen=True)
class SourceText:
    """Where a draft's text came from and what was read from it."""
    extracted: Extracted
    origin: str          # the address, or "upload: <file name>"
    url: str = ""        # the address it was fetched from ("" for an upload)


def read_upload(filename: str, data: bytes, content_type: str = "") -> SourceText:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    return SourceText(extract(data, kind_of(name, "" if content_type == "application/octet-stream" else content_type,
                                            data)), f"upload: {name}")


def read_address(url: str, max_bytes: int) -> SourceText:
    fetched = fetch(url, max_bytes)
    path = fetched.final_url.split("?", 1)[0]
    return SourceText(extract(fetched.data, kind_of(path, fetched.content_type, fetched.data)), url.strip(), url.strip())


def slug(text: str, limit: int = 40) -> str:
    from app.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:limit].strip("-")


def suggested_id(meta: DraftMeta, taken: set[str]) -> str:
    base = "-".join(p for p in (slug(meta.authority, 24), slug(meta.title), meta.published[:4]) if p) or "kalla-source"
    base = base[:80].strip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:76]}-{n}", n + 1
    return candidate


def with_defaults(meta: DraftMeta, source: SourceText, taken: set[str], actor: str) -> DraftMeta:
    """Fill what staff left empty from what the source says about itself."""
    ex = source.extracted
    meta = dataclasses.replace(
        meta, title=meta.title or ex.title, language=meta.language or ex.language or "sv",
        published=meta.published or ex.published,
        url=meta.url or (source.url if source.url and not is_home_page(source.url) else ""))
    if not meta.id:
        meta = dataclasses.replace(meta, id=suggested_id(meta, taken))
    if not meta.provenance:
        how = f"fetched from {source.url}" if source.url else f"uploaded ({source.origin.removeprefix('upload: ')})"
        meta = dataclasses.replace(meta, provenance=f"{ex.kind.upper()} {how} on {dt.date.today().isoformat()} "
                                                    f"by {actor}; added through Källa's staff console.")
    return meta


def build_body(extracted: Extracted, meta: DraftMeta) -> str:
    body = document_body(extracted, meta.title or "Untitled")
    if meta.ocr_repair and meta.language == "sv" and not extracted.structured:
        from app.corpus.ocr_repair import OcrRepairer

        head, _, rest = body.partition("\n")
        body = head + "\n" + OcrRepairer().repair(rest)[0]
    return body


def open_draft_ids(db: Session, but: str = "") -> set[str]:
    rows = db.execute(select(SourceDraft.id, SourceDraft.document_id).where(SourceDraft.state == "draft")).all()
    return {doc_id for draft_id, doc_id in rows if draft_id != but}


def create_draft(db: Session, source: SourceText, meta: DraftMeta, corpus_ids: set[str], *, actor: str,
                 user_id: int | None = None, check_id: int | None = None) -> SourceDraft:
    meta = with_defaults(meta, source, corpus_ids | open_draft_ids(db), actor)
    ex = source.extracted
    draft = SourceDraft(id=uuid.uuid4().hex, state="draft", document_id=meta.id, meta=meta.to_dict(),
                        origin=source.origin[:1000], kind=ex.kind, extracted=ex.text, body=build_body(ex, meta),
                        content_hash=content_hash(ex.text), notes=list(ex.notes), preview={}, preview_state="pending",
                        created_by=actor, created_by_id=user_id, check_id=check_id)
    db.add(draft)
    audit(db, "source_draft_created", user_id=user_id, actor=actor, target=draft.id,
          detail={"document_id": meta.id, "kind": ex.kind, "origin": draft.origin[:200], "notes": list(ex.notes),
                  "check_id": check_id})
    return draft


def update_meta(db: Session, draft: SourceDraft, meta: DraftMeta, *, actor: str, user_id: int | None = None) -> None:
    """New front matter: the body is rebuilt (its title, OCR repair) and the answer preview is due again."""
    draft.meta, draft.document_id = meta.to_dict(), meta.id
    draft.body = build_body(Extracted(draft.extracted, draft.kind), meta)
    draft.preview, draft.preview_state, draft.updated_at = {}, "pending", utcnow()
    audit(db, "source_draft_edited", user_id=user_id, actor=actor, target=draft.id,
          detail={"document_id": meta.id, "fields": sorted(k for k, v in meta.to_dict().items() if v not in ("", None))})


def meta_of(draft: SourceDraft) -> DraftMeta:
    return DraftMeta.from_dict(draft.meta or {})


def draft_document(draft: SourceDraft) -> Document:
    """The corpus document the draft becomes when published."""
    m = meta_of(draft)
    fetched = bool(m.url) and draft.origin == m.url
    return Document(id=m.id, title=m.title, authority=m.authority, url=m.url, language=m.language,
                    published=m.published, status=m.status, provenance=m.provenance, body=draft.body,
                    precedence=m.precedence, translation_of=m.translation_of, reference=m.reference,
                    content_hash=draft.content_hash if fetched else "",
                    retrieved=draft.created_at.date().isoformat() if fetched and draft.created_at else "",
                    supersedes=m.supersedes)


def draft_passages(draft: SourceDraft) -> list[Passage]:
    return split_passages(draft_document(draft))
