"""Proofreading corrections: a reviewed list of edits applied after automatic OCR repair.

The OCR repairer restores most lost å/ä/ö, but not real-word errors ("sitt" for *sätt*, "mal" for *mål*),
words Hunspell accepts as compounds ("malgruppsanalys"), broken structure (a heading that lost its level,
list items run together) or footnote debris. A person (or a writer working sentence by sentence against the
raw OCR in corpus/_raw/) records each correction in corpus/_repairs/proofread/<document id>.yaml:

    - find: "Var mélgruppsanalys har visat"     # exact text of the OCR-repaired body
      replace: "Vår målgruppsanalys har visat"
      reason: ocr                               # ocr | real-word | structure | footnote | layout | name
      count: 1                                  # occurrences expected (default 1; "all" = every one, at least 1)

Edits apply in file order, each to the result of the previous one. An edit whose `find` does not occur the
expected number of times is an error naming the file and entry, so a change upstream can never silently
leave damage in place.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.datafile import load_yaml

PROOFREAD_DIR = Path("_repairs") / "proofread"
REASONS = ("ocr", "real-word", "structure", "footnote", "layout", "name")


class ProofreadError(ValueError):
    """A correction that cannot be applied as written; the message names the file and the entry."""


@dataclass(frozen=True)
class Correction:
    find: str
    replace: str
    reason: str
    count: int | None = 1        # None = every occurrence (at least one)
    where: str = ""               # "file:entry" for error messages


def correction_files(corpus_dir: Path, document_id: str) -> list[Path]:
    """<id>.yaml, then any <id>.<part>.yaml (a long document proofread in parts), in name order."""
    folder = Path(corpus_dir) / PROOFREAD_DIR
    files = [folder / f"{document_id}.yaml"] + sorted(folder.glob(f"{document_id}.*.yaml"))
    return [f for f in files if f.exists()]


def load_corrections(corpus_dir: Path, document_id: str) -> list[Correction]:
    out: list[Correction] = []
    for path in correction_files(corpus_dir, document_id):
        entries = load_yaml(path.read_text(encoding="utf-8")) or []
        if not isinstance(entries, list):
            raise ProofreadError(f"{path}: must be a list of corrections")
        for n, e in enumerate(entries, 1):
            where = f"{path.name}:{n}"
            if not isinstance(e, dict) or not isinstance(e.get("find"), str) or not isinstance(e.get("replace"), str):
                raise ProofreadError(f"{where}: each correction needs 'find' and 'replace' strings")
            if not e["find"]:
                raise ProofreadError(f"{where}: 'find' is empty")
            reason = str(e.get("reason", ""))
            if reason not in REASONS:
                raise ProofreadError(f"{where}: reason must be one of {REASONS}, not {reason!r}")
            count = e.get("count", 1)
            if count == "all":
                count = None
            elif not isinstance(count, int) or count < 1:
                raise ProofreadError(f"{where}: count must be a positive number or 'all'")
            out.append(Correction(e["find"], e["replace"], reason, count, where))
    return out


def apply_corrections(body: str, corrections: list[Correction]) -> tuple[str, list[Correction]]:
    """The corrected body and the corrections applied (all of them, or ProofreadError)."""
    for c in corrections:
        found = body.count(c.find)
        if (c.count is None and found == 0) or (c.count is not None and found != c.count):
            want = "at least once" if c.count is None else f"{c.count} time(s)"
            raise ProofreadError(f"{c.where}: {c.find!r} occurs {found} time(s), expected {want}")
        body = body.replace(c.find, c.replace)
    return body, corrections
