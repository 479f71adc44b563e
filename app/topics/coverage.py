"""Which sentences of the texts answer which resident topic — computed when the index is built, for any text.

A sentence answers a topic when one of the topic's `answers` patterns (topics.yaml, for the sentence's
language) occurs in it and none of its `excludes` does. It only mentions the topic when a `mentions` pattern
occurs. Never an answer: a footnote, a question, a sentence too short to say anything, the losing side of a
recorded conflict. Staff correct the result in corpus/topics/coverage.yaml (add or remove a sentence for a
topic, by its text); corrections win over the patterns and are kept across rebuilds as long as the sentence
is unchanged.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.corpus.passages import Passage
from app.corpus.sentences import is_footnote, quotable, source_hash
from app.datafile import load_yaml
from app.text import fold, normalise_space
from app.topics.catalogue import TopicCatalogue

OVERRIDES_FILE = Path("topics") / "coverage.yaml"
COVERAGE_FILE = "coverage.json"
@dataclass(frozen=True)
class SentenceRef:
    passage_id: str
    index: int          # the sentence's index in its passage
    hash: str           # app.corpus.sentences.source_hash of its text
    how: str            # "pattern" | "staff"


@dataclass
class Coverage:
    """topic -> the sentences that answer it, and the ones that only mention it."""
    answers: dict[str, list[SentenceRef]] = field(default_factory=dict)
    mentions: dict[str, list[SentenceRef]] = field(default_factory=dict)

    def covered(self, topic: str) -> bool:
        return bool(self.answers.get(topic))

    def summary(self, catalogue: TopicCatalogue) -> dict:
        """For the manifest and /staff/corpus: answering sentences per covered topic, and the topics not covered."""
        topics = catalogue.covered_by_texts()
        return {"covered": {t.id: len(self.answers.get(t.id, [])) for t in topics if self.covered(t.id)},
                "not_covered": [t.id for t in topics if not self.covered(t.id)]}

    def to_json(self) -> str:
        return json.dumps({"answers": {t: [asdict(r) for r in refs] for t, refs in self.answers.items()},
                           "mentions": {t: [asdict(r) for r in refs] for t, refs in self.mentions.items()}},
                          ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Coverage":
        data = json.loads(text)
        return cls({t: [SentenceRef(**r) for r in refs] for t, refs in data.get("answers", {}).items()},
                   {t: [SentenceRef(**r) for r in refs] for t, refs in data.get("mentions", {}).items()})


@dataclass(frozen=True)
class Override:
    topic: str
    hash: str
    action: str          # add | remove
    note: str = ""


def load_overrides(corpus_dir: Path) -> list[Override]:
    """corpus/topics/coverage.yaml: {add: [{topic, sentence, note}], remove: [...]}, sentences by exact text."""
    path = Path(corpus_dir) / OVERRIDES_FILE
    if not path.exists():
        return []
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    out = []
    for action in ("add", "remove"):
        for item in data.get(action) or []:
            out.append(Override(str(item["topic"]), source_hash(str(item["sentence"])), action, str(item.get("note", ""))))
    return out


def _compiled(patterns: dict[str, tuple[str, ...]]) -> dict[str, list[re.Pattern]]:
    return {lang: [re.compile(p, re.IGNORECASE) for p in pats] for lang, pats in patterns.items()}


def conflict_losers(conflicts: list[dict], passages: list[Passage]) -> set[str]:
    """Hashes of the sentences holding the losing side's phrase of every recorded conflict (corpus/conflicts.yaml):
    the losing text is never quoted as an answer, while the rest of its passage may be."""
    by_id = {p.id: p for p in passages}
    losing: set[str] = set()
    for c in conflicts:
        for side in c["sides"]:
            p = by_id.get(side["passage_id"])
            needle = fold(normalise_space(side.get("contains", "")))
            if side.get("prevails") or p is None or not needle:
                continue
            losing.update(source_hash(s) for s in p.sentences if needle in fold(normalise_space(s)))
    return losing


def compute_coverage(passages: list[Passage], catalogue: TopicCatalogue, conflicts: list[dict] | None = None,
                     overrides: list[Override] | None = None) -> Coverage:
    topics = catalogue.covered_by_texts()
    rules = {t.id: (_compiled(t.answers), _compiled(t.excludes), _compiled(t.mentions)) for t in topics}
    losing = conflict_losers(conflicts or [], passages)
    cov = Coverage({t.id: [] for t in topics}, {t.id: [] for t in topics})
    place: dict[str, tuple[str, int]] = {}
    for p in passages:
        if is_footnote(p):
            continue
        lang = p.language.split("-")[0]
        for j, sentence in enumerate(p.sentences):
            h = source_hash(sentence)
            place.setdefault(h, (p.id, j))
            if not quotable(sentence) or sentence.rstrip().endswith("?") or h in losing:
                continue
            for t in topics:
                answers, excludes, mentions = rules[t.id]
                if any(r.search(sentence) for r in answers.get(lang, ())) and \
                        not any(r.search(sentence) for r in excludes.get(lang, ())):
                    cov.answers[t.id].append(SentenceRef(p.id, j, h, "pattern"))
                elif any(r.search(sentence) for r in mentions.get(lang, ())):
                    cov.mentions[t.id].append(SentenceRef(p.id, j, h, "pattern"))
    for o in overrides or []:
        if o.topic not in cov.answers or o.hash not in place:
            continue          # a correction for a sentence no longer in the texts: nothing to do (staff see it)
        refs = [r for r in cov.answers[o.topic] if r.hash != o.hash]
        if o.action == "add":
            pid, j = place[o.hash]
            refs.append(SentenceRef(pid, j, o.hash, "staff"))
            cov.mentions[o.topic] = [r for r in cov.mentions[o.topic] if r.hash != o.hash]
        cov.answers[o.topic] = refs
    return cov


def stale_overrides(overrides: list[Override], passages: list[Passage]) -> list[Override]:
    """Staff corrections whose sentence is no longer in the texts (changed or removed)."""
    present = {source_hash(s) for p in passages for s in p.sentences}
    return [o for o in overrides if o.hash not in present]


def write_coverage(index_dir: Path, coverage: Coverage) -> None:
    (Path(index_dir) / COVERAGE_FILE).write_text(coverage.to_json(), encoding="utf-8")


def read_coverage(index_dir: Path) -> Coverage:
    path = Path(index_dir) / COVERAGE_FILE
    return Coverage.from_json(path.read_text(encoding="utf-8")) if path.exists() else Coverage()
