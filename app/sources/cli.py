"""`python -m app.cli sources add|list|show|approve|reject|check|renew`: the staff console's source work from the
server's command line, on the same database (drafts, checks, the audit trail with actor "cli")."""
from __future__ import annotations

import argparse
import sys

from sqlalchemy import select

from app.config import Settings
from app.corpus.document import STATUSES, load_corpus
from app.corpus.extract import ExtractError
from app.sources.check import FLAGGED, check_sources, draft_from_check, source_rows
from app.sources.drafts import DraftMeta, create_draft, draft_passages, read_address, read_upload
from app.sources.fetch import FetchError
from app.sources.preview import logged_questions, topic_impact
from app.sources.publish import NotPublishable, problems, publish, reject
from app.store.db import make_engine, migrate, session_factory
from app.store.source_models import SourceCheck, SourceDraft

ACTOR = "cli"


def add_parser(sub) -> None:
    src = sub.add_parser("sources", help="add authority sources as drafts, approve them, check published sources")
    cmds = src.add_subparsers(dest="sources_command", required=True)
    add = cmds.add_parser("add", help="a file or an address becomes a draft (with its preview)")
    what = add.add_mutually_exclusive_group(required=True)
    what.add_argument("file", nargs="?", help="a web page, PDF, DOCX or text file")
    what.add_argument("--url", help="the address of the page or file")
    for name in ("id", "title", "authority", "published", "reference", "translation-of", "supersedes", "provenance"):
        add.add_argument(f"--{name}", default="")
    add.add_argument("--language", default="")
    add.add_argument("--status", default="current", choices=STATUSES)
    add.add_argument("--precedence", type=int, default=50)
    add.add_argument("--document-url", default="", help="the document's own address when it differs from --url")
    add.add_argument("--ocr-repair", action="store_true", help="the text is OCR of a scan (Swedish): repair it")
    add.add_argument("--no-preview", action="store_true", help="skip the answers-it-would-change preview")
    cmds.add_parser("list", help="open drafts, and the latest check of every source with an address")
    show = cmds.add_parser("show", help="one draft: front matter, problems, topics, changed answers")
    show.add_argument("draft")
    ap = cmds.add_parser("approve", help="publish a draft into the corpus and rebuild the index")
    ap.add_argument("draft")
    ap.add_argument("--no-rebuild", action="store_true", help="write the corpus files only")
    rj = cmds.add_parser("reject", help="reject a draft")
    rj.add_argument("draft")
    rj.add_argument("--reason", default="")
    ck = cmds.add_parser("check", help="fetch every source with an address; flag changed or vanished ones")
    ck.add_argument("--strict", action="store_true", help="exit 1 when a source changed, vanished or was unreachable")
    rn = cmds.add_parser("renew", help="a draft of a changed source's new version (replaces it once approved)")
    rn.add_argument("document")


def run(args: argparse.Namespace, settings: Settings) -> int:
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    Session = session_factory(engine)
    try:
        return COMMANDS[args.sources_command](args, settings, Session)
    except (ExtractError, FetchError, NotPublishable, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _add(args, settings, Session) -> int:
    source = read_address(args.url, settings.source_max_bytes) if args.url else \
        read_upload(args.file, open(args.file, "rb").read())
    meta = DraftMeta(id=args.id, title=args.title, authority=args.authority, published=args.published,
                     reference=args.reference, translation_of=args.translation_of, supersedes=args.supersedes,
                     provenance=args.provenance, language=args.language, status=args.status,
                     precedence=args.precedence, url=args.document_url, ocr_repair=args.ocr_repair)
    with Session.begin() as db:
        draft = create_draft(db, source, meta, {d.id for d in load_corpus(settings.corpus_dir)}, actor=ACTOR)
        draft_id = draft.id
    print(f"draft {draft_id}: {draft.document_id} ({draft.kind}, {len(draft_passages(draft))} passages)")
    for note in draft.notes:
        print(f"  note: {note}")
    if not args.no_preview:
        _preview(settings, Session, draft_id)
    return _show_draft(settings, Session, draft_id)


def _preview(settings, Session, draft_id: str) -> None:
    from app.api.state import ServiceState
    from app.sources.jobs import run_preview

    state = ServiceState(settings)
    state.load()
    store = type("Store", (), {"Session": Session})()
    print(f"preview: {run_preview(store, state.pipeline, state.embedder, settings, draft_id, ACTOR)}")


def _show(args, settings, Session) -> int:
    return _show_draft(settings, Session, args.draft)


def _find(db, key: str) -> SourceDraft:
    draft = db.get(SourceDraft, key) or db.scalars(select(SourceDraft).where(SourceDraft.document_id == key)
                                                   .order_by(SourceDraft.created_at.desc())).first()
    if draft is None:
        raise ValueError(f"no draft {key!r}")
    return draft


def _show_draft(settings, Session, key: str) -> int:
    with Session() as db:
        draft = _find(db, key)
        print(f"{draft.id}  {draft.state}  {draft.document_id}: {draft.meta.get('title')}")
        for name in ("authority", "published", "language", "status", "url", "reference", "supersedes"):
            if draft.meta.get(name):
                print(f"  {name}: {draft.meta[name]}")
        for p in problems(db, draft, settings.corpus_dir) if draft.state == "draft" else []:
            print(f"  before approval: {p}")
        bundle = None
        try:
            from app.index.bundle import IndexBundle

            bundle = IndexBundle.load(settings.index_dir, settings.corpus_dir)
        except Exception:  # noqa: BLE001 - topics are shown when an index is there
            pass
        for t in topic_impact(draft_passages(draft), bundle):
            flag = "newly covered" if t.newly_covered else ("already answered" if t.covered_now else "mentions only")
            print(f"  topic {t.topic}: {t.answers} answering sentences, {t.mentions} mentions ({flag})")
        pv = draft.preview or {}
        if draft.preview_state == "ready":
            print(f"  answers it would change: {len(pv.get('changed', []))} of {pv.get('asked', 0)} questions")
            asked = logged_questions(db, pv)
            for ch in pv.get("changed", [])[:20]:
                question = ch.get("question") or asked.get(ch.get("answer_id", ""), "(deleted by retention)")
                before = ", ".join(c["document_id"] for c in ch["before"]["citations"]) or ch["before"]["status"]
                after = ", ".join(c["document_id"] for c in ch["after"]["citations"]) or ch["after"]["status"]
                print(f"    [{ch['language']}] {question}\n      today: {before}\n      draft: {after}")
        else:
            print(f"  preview: {draft.preview_state} {pv.get('error', '')}")
    return 0


def _list(args, settings, Session) -> int:
    with Session() as db:
        drafts = db.scalars(select(SourceDraft).where(SourceDraft.state == "draft").order_by(SourceDraft.created_at)).all()
        print(f"{len(drafts)} open drafts")
        for d in drafts:
            print(f"  {d.id}  {d.document_id}  {d.meta.get('title', '')}  (from {d.origin}; preview {d.preview_state})")
        rows = source_rows(db, load_corpus(settings.corpus_dir))
        print(f"{len(rows)} sources with an address")
        for r in rows:
            when = r.check.checked_at.strftime("%Y-%m-%d %H:%M") if r.check else "never checked"
            print(f"  {r.document.id}  {r.check.outcome if r.check else '-'}  {when}  {r.document.url}")
    return 0


def _approve(args, settings, Session) -> int:
    with Session.begin() as db:
        path = publish(db, _find(db, args.draft), settings.corpus_dir, actor=ACTOR)
    print(f"published {path}")
    if args.no_rebuild:
        print("rebuild the index to serve it: python scripts/build_index.py")
        return 0
    from app.index.build import build_index
    from app.index.embedders import make_embedder

    m = build_index(settings.corpus_dir, settings.index_dir, make_embedder(settings.embedder, settings.embedder_model),
                    settings.approximate_index_above, cache_dir=settings.cache_dir)
    print(f"index {m.version}: {m.documents} documents, {m.passages} passages (running services switch to it within "
          f"KALLA_INDEX_FOLLOW_SECONDS)")
    return 0


def _reject(args, settings, Session) -> int:
    with Session.begin() as db:
        draft = _find(db, args.draft)
        reject(db, draft, actor=ACTOR, reason=args.reason)
        print(f"rejected {draft.id} ({draft.document_id})")
    return 0


def _check(args, settings, Session) -> int:
    with Session.begin() as db:
        rows = check_sources(db, settings.corpus_dir, settings.source_max_bytes, actor=ACTOR)
        flagged = [r for r in rows if r.outcome in FLAGGED]
        for r in rows:
            print(f"{r.outcome:11} {r.document_id}  {r.url}{'  ' + r.message if r.message else ''}")
        print(f"{len(rows)} sources checked, {len(flagged)} flagged")
    return 1 if args.strict and flagged else 0


def _renew(args, settings, Session) -> int:
    with Session.begin() as db:
        check = db.scalars(select(SourceCheck).where(SourceCheck.document_id == args.document)
                           .order_by(SourceCheck.id.desc())).first()
        if check is None:
            raise ValueError(f"{args.document} has not been checked: python -m app.cli sources check")
        draft = draft_from_check(db, check, settings.corpus_dir, actor=ACTOR)
        draft_id = draft.id
    print(f"draft {draft_id} of the new version of {args.document}")
    _preview(settings, Session, draft_id)
    return _show_draft(settings, Session, draft_id)


COMMANDS = {"add": _add, "list": _list, "show": _show, "approve": _approve, "reject": _reject, "check": _check,
            "renew": _renew}
