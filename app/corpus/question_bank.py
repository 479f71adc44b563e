"""The question bank: residents' questions, per language, that a passage answers (corpus/_questions/L.jsonl).

The embedded model matches a Somali or Tigrinya question to a Swedish passage far less well than to a
Somali or Tigrinya question about the same thing. So the bank holds, for each passage, a few questions
in every supported language, written and reviewed like the glossary; retrieval compares the resident's
question with them too (doc2query). It is data: staff can read, correct and extend it; a passage
without bank questions is still found by the other signals.
"""
from __future__ import annotations

import json
from pathlib import Path

from app.corpus.document import CorpusError

BANK_DIR = "_questions"


def bank_files(corpus_dir: Path) -> list[Path]:
    return sorted((Path(corpus_dir) / BANK_DIR).glob("*.jsonl"))


def load_question_bank(corpus_dir: Path) -> list[dict]:
    """Every bank entry as {passage_id, question, language}; a malformed line is an error naming file and line."""
    out = []
    for path in bank_files(corpus_dir):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pid, question = str(row["passage_id"]), str(row["question"]).strip()
            except (ValueError, KeyError, TypeError) as exc:
                raise CorpusError(f"{path}:{n}: not a question bank line ({exc})") from exc
            if question:
                out.append({"passage_id": pid, "question": question, "language": path.stem})
    return out
