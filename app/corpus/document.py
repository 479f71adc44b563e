"""A corpus document: one authority text as Markdown with YAML front matter."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from app.datafile import load_yaml

STATUSES = ("current", "superseded", "context")
REQUIRED = ("id", "title", "authority", "url", "language", "published", "status", "provenance")
OPTIONAL = ("translation_of", "reference", "content_hash", "retrieved", "supersedes", "superseded_by")   # strings


class CorpusError(ValueError):
    """A corpus file that cannot be served; the message names the file and the field."""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    authority: str
    url: str
    language: str
    published: str
    status: str
    provenance: str
    body: str
    precedence: int = 0
    translation_of: str = ""
    # Where the text comes from when `url` cannot say it: report name, reference number, date
    # ("Redovisning av regeringsuppdrag, Adm483, 2025-09-30"). `url` is only ever the document's own address.
    reference: str = ""
    # The source as fetched from `url` (app/sources): normalised content hash and date, so `sources check`
    # can tell when the page changed; and which document this one replaces or was replaced by.
    content_hash: str = ""
    retrieved: str = ""
    supersedes: str = ""
    superseded_by: str = ""
    extra: dict = field(default_factory=dict)

    def meta(self) -> dict:
        return {
            "document_id": self.id, "title": self.title, "authority": self.authority, "url": self.url,
            "reference": self.reference, "language": self.language, "published": self.published,
            "status": self.status, "precedence": self.precedence, "translation_of": self.translation_of,
        }


def parse_document(text: str, source: str = "<text>") -> Document:
    if not text.startswith("---"):
        raise CorpusError(f"{source}: missing YAML front matter (the file must start with '---')")
    try:
        _, head, body = text.split("---", 2)
        meta = load_yaml(head) or {}
    except (ValueError, yaml.YAMLError) as exc:
        raise CorpusError(f"{source}: unreadable front matter: {exc}") from exc
    missing = [k for k in REQUIRED if k not in meta]
    if missing:
        raise CorpusError(f"{source}: front matter lacks {', '.join(missing)}")
    if meta["status"] not in STATUSES:
        raise CorpusError(f"{source}: status must be one of {STATUSES}, not {meta['status']!r}")
    published = meta["published"]
    if isinstance(published, (dt.date, dt.datetime)):
        published = published.isoformat()[:10]
    known = set(REQUIRED) | {"precedence", *OPTIONAL}
    return Document(
        id=str(meta["id"]), title=str(meta["title"]), authority=str(meta["authority"]),
        url=str(meta["url"] or ""), language=str(meta["language"]), published=str(published),
        status=str(meta["status"]), provenance=str(meta["provenance"]), body=body.strip() + "\n",
        precedence=int(meta.get("precedence", 0) or 0),
        extra={k: v for k, v in meta.items() if k not in known},
        **{k: str(meta.get(k) or "") for k in OPTIONAL},
    )


def render_document(doc: Document) -> str:
    meta = {
        "id": doc.id, "title": doc.title, "authority": doc.authority, "url": doc.url,
        **({"reference": doc.reference} if doc.reference else {}), "language": doc.language, "published": doc.published, "status": doc.status,
        "precedence": doc.precedence, "provenance": doc.provenance,
    }
    meta.update({k: getattr(doc, k) for k in OPTIONAL if getattr(doc, k)})
    meta.update(doc.extra)
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{head}---\n\n{doc.body.strip()}\n"


def is_home_page(url: str) -> bool:
    """An address with no path: a site's front page, never where a quoted text can be found."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) and parts.path.strip("/") == "" and not parts.query


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The documents of a corpus: *.md directly in the folder (sub-folders hold raw text and logs)."""
    return sorted(p for p in Path(corpus_dir).glob("*.md") if p.name.lower() != "readme.md")


def load_corpus(corpus_dir: Path) -> list[Document]:
    files = corpus_files(corpus_dir)
    if not files:
        raise CorpusError(f"{corpus_dir}: no corpus documents (*.md) found")
    docs = [parse_document(p.read_text(encoding="utf-8"), str(p)) for p in files]
    seen: dict[str, str] = {}
    for doc, path in zip(docs, files):
        if doc.id in seen:
            raise CorpusError(f"{path}: document id {doc.id!r} also used by {seen[doc.id]}")
        seen[doc.id] = str(path)
    return docs


def corpus_hash(corpus_dir: Path) -> str:
    """Hash of every served file (documents, the conflicts register, the question bank, the resident topics), to
    detect a stale index."""
    h = hashlib.sha256()
    paths = corpus_files(corpus_dir)
    extra = Path(corpus_dir) / "conflicts.yaml"
    if extra.exists():
        paths.append(extra)
    paths += sorted((Path(corpus_dir) / "_questions").glob("*.jsonl"))
    paths += sorted((Path(corpus_dir) / "topics").glob("*.yaml"))   # resident topics: examples and coverage rules
    paths += sorted((Path(corpus_dir) / "_translations").glob("*.jsonl"))   # translations residents read
    for p in paths:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]
