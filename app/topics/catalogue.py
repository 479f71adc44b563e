"""Resident topics as data: what residents ask about, the kind of answer each needs, who answers it, and the
texts and example questions in every language (corpus/topics/, reviewed by staff).

topics.yaml holds the topics, their kinds, signposts, and the Swedish/English cues by which a sentence of the
texts is known to answer a topic (coverage, app/topics/coverage.py). <lang>.yaml holds, per language, the
topic names, the "not covered" sentence, a question to start from, example questions as residents write them,
and the cues for the kind of answer a question asks for and for follow-up questions.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from app.corpus.document import CorpusError
from app.datafile import load_yaml
from app.text import fold

TOPICS_DIR = "topics"
KINDS = ("amount", "eligibility", "procedure", "date_duration", "place_channel", "contact", "yes_no", "description",
         "service")
# Kinds a question can ask for that no resident topic has: "how many applications came in?" asks for a count of
# people, applications or times — a figure the reports give — never a sum of money.
CUE_ONLY_KINDS = ("count",)


@dataclass(frozen=True)
class Authority:
    id: str
    name: str
    phone: str = ""
    phone_abroad: str = ""
    url: str = ""
    site_contact: bool = False      # "your municipality": the embedding site's own contact


@dataclass(frozen=True)
class Signpost:
    """Who answers a topic authoritatively, and what to look for on their site (never invented content)."""
    authorities: tuple[str, ...]
    look_for: str = ""


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str
    source: str
    about: str
    signpost: Signpost
    answered_by: str = "texts"      # texts | data (contact details, what Källa is: from Källa's own data)
    answers: dict = field(default_factory=dict)    # language -> regex patterns a sentence answering it matches
    excludes: dict = field(default_factory=dict)   # language -> patterns that disqualify a sentence
    mentions: dict = field(default_factory=dict)   # language -> patterns of a sentence that only mentions it
    next: tuple[str, ...] = ()                     # topics to suggest after an answer on this one, best first
    also_answers: tuple[str, ...] = ()             # other kinds of question it answers ("where is the office?")

    def answers_kind(self, kind: str) -> bool:
        return kind == self.kind or kind in self.also_answers


@dataclass(frozen=True)
class TopicTexts:
    name: str
    not_covered: str
    suggestion: str = ""
    answer: str = ""


@dataclass(frozen=True)
class Example:
    topic: str
    language: str
    text: str


@dataclass
class TopicCatalogue:
    topics: dict[str, Topic]
    authorities: dict[str, Authority]
    texts: dict[tuple[str, str], TopicTexts]             # (language, topic) -> texts
    examples: list[Example]
    kind_cues: dict[str, dict[str, tuple[str, ...]]]     # language -> kind (or "not": phrases that are no cue) -> cues
    follow_up_cues: dict[str, dict[str, tuple[str, ...]]]  # language -> starts | leans_on -> folded cues
    needs_review: set[str]                               # languages no native speaker has reviewed
    digest: str = ""                                     # hash of every topics file: part of the index's inputs
    start: tuple[str, ...] = ()                          # topics whose questions the widget opens with, in order

    def text(self, topic: str, language: str) -> TopicTexts:
        """The topic's texts in the language, else English."""
        return self.texts.get((language, topic)) or self.texts[("en", topic)]

    def covered_by_texts(self) -> list[Topic]:
        return [t for t in self.topics.values() if t.answered_by == "texts"]


def topic_files(corpus_dir: Path) -> list[Path]:
    folder = Path(corpus_dir) / TOPICS_DIR
    return sorted(folder.glob("*.yaml")) if folder.exists() else []


def fold_cue(cue: str) -> str:
    """Cues and questions meet lower-cased, without diacritics, with Arabic/Persian letter variants unified."""
    return unify_letters(fold(cue))


_LETTER_VARIANTS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "\u200c": " ", "ـ": ""})


def unify_letters(text: str) -> str:
    """Arabic and Persian keyboards write ي/ی, ك/ک; a zero-width non-joiner is a space to a reader."""
    return text.translate(_LETTER_VARIANTS)


def _authorities(raw: dict) -> dict[str, Authority]:
    return {k: Authority(id=k, name=str(v.get("name", k)), phone=str(v.get("phone", "")),
                         phone_abroad=str(v.get("phone_abroad", "")), url=str(v.get("url", "")),
                         site_contact=bool(v.get("site_contact", False))) for k, v in (raw or {}).items()}


def _patterns(raw) -> dict[str, tuple[str, ...]]:
    out = {}
    for lang, items in (raw or {}).items():
        for p in items or []:
            try:
                re.compile(p)
            except re.error as exc:
                raise CorpusError(f"topics.yaml: bad pattern {p!r} ({exc})") from exc
        out[lang] = tuple(items or [])
    return out


def load_catalogue(corpus_dir: Path) -> TopicCatalogue:
    """Read corpus/topics/; a broken file is a CorpusError naming it (an empty catalogue when there is none)."""
    files = topic_files(corpus_dir)
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    main = Path(corpus_dir) / TOPICS_DIR / "topics.yaml"
    if not main.exists():
        return TopicCatalogue({}, {}, {}, [], {}, {}, set(), "")
    try:
        spec = load_yaml(main.read_text(encoding="utf-8")) or {}
    except Exception as exc:  # noqa: BLE001 - any parse error names the file
        raise CorpusError(f"{main}: unreadable ({exc})") from exc
    authorities = _authorities(spec.get("authorities"))
    topics: dict[str, Topic] = {}
    for tid, t in (spec.get("topics") or {}).items():
        kind, also = t.get("kind"), tuple(t.get("also_answers") or ())
        if kind not in KINDS or not set(also) <= set(KINDS):
            raise CorpusError(f"{main}: topic {tid}: kind and also_answers must be of {KINDS}, not {kind!r}, {also}")
        sp = t.get("signpost") or {}
        unknown = [a for a in sp.get("authorities", []) if a not in authorities]
        if unknown:
            raise CorpusError(f"{main}: topic {tid}: unknown authorities {unknown}")
        topics[tid] = Topic(id=tid, kind=kind, source=str(t.get("source", "")), about=str(t.get("about", "")),
                            signpost=Signpost(tuple(sp.get("authorities", [])), str(sp.get("look_for", ""))),
                            answered_by=str(t.get("answered_by", "texts")), answers=_patterns(t.get("answers")),
                            excludes=_patterns(t.get("excludes")), mentions=_patterns(t.get("mentions")),
                            next=tuple(t.get("next") or ()), also_answers=also)
    texts: dict[tuple[str, str], TopicTexts] = {}
    examples: list[Example] = []
    kind_cues: dict[str, dict[str, tuple[str, ...]]] = {}
    follow: dict[str, dict[str, tuple[str, ...]]] = {}
    needs_review: set[str] = set()
    for f in files:
        if f.name == "topics.yaml":
            continue
        try:
            data = load_yaml(f.read_text(encoding="utf-8")) or {}
        except Exception as exc:  # noqa: BLE001
            raise CorpusError(f"{f}: unreadable ({exc})") from exc
        lang = str((data.get("_meta") or {}).get("language") or f.stem)
        if (data.get("_meta") or {}).get("needs_review"):
            needs_review.add(lang)
        for tid, t in (data.get("topics") or {}).items():
            if tid not in topics:
                raise CorpusError(f"{f}: unknown topic {tid!r}")
            if not t.get("name") or not t.get("not_covered"):
                raise CorpusError(f"{f}: topic {tid} needs a name and a not_covered sentence")
            texts[(lang, tid)] = TopicTexts(str(t["name"]), str(t["not_covered"]), str(t.get("suggestion") or ""),
                                            str(t.get("answer") or ""))
            examples.extend(Example(tid, lang, str(q)) for q in t.get("examples") or [] if str(q).strip())
        kind_cues[lang] = {k: tuple(fold_cue(c) for c in v or []) for k, v in (data.get("kind_cues") or {}).items()
                           if k in KINDS or k in CUE_ONLY_KINDS or k == "not"}
        follow[lang] = {k: tuple(fold_cue(c) for c in v or []) for k, v in (data.get("follow_up_cues") or {}).items()}
    missing = [tid for tid in topics if ("en", tid) not in texts]
    if missing:
        raise CorpusError(f"{main.parent / 'en.yaml'}: English texts missing for {missing}")
    start = tuple((spec.get("suggestions") or {}).get("start") or ())
    unknown = sorted({n for t in topics.values() for n in t.next} | set(start)) if topics else []
    unknown = [n for n in unknown if n not in topics]
    if unknown:
        raise CorpusError(f"{main}: suggestions name unknown topics {unknown}")
    return TopicCatalogue(topics, authorities, texts, examples, kind_cues, follow, needs_review,
                          digest.hexdigest()[:16], start)


@lru_cache(maxsize=4)
def cached_catalogue(corpus_dir: Path, digest: str) -> TopicCatalogue:
    """The catalogue for a corpus folder, read once per content (digest = the index manifest's topics hash)."""
    return load_catalogue(corpus_dir)
