"""Restore Swedish spelling in OCR text (lost or misread å/ä/ö) with a real Swedish lexicon.

A token is changed only when it is not a Swedish word (Hunspell sv_SE) and a repaired form is,
or when it is a word but a repaired form is far more frequent in Swedish (real-word errors such as
'for'→'för', 'pa'→'på') and both neighbours are Swedish. Every change is reported, so the raw text
and a change log can be kept beside the repaired text.
"""
from __future__ import annotations

import functools
import importlib.metadata
import itertools
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from app.datafile import load_yaml
from app.text import fold

# What an OCR glyph may stand for (besides itself). Only one-to-one substitutions.
CONFUSABLE: dict[str, str] = {
    "a": "åä", "A": "ÅÄ", "o": "ö", "O": "Öö", "d": "äåö", "i": "äå", "é": "äåö", "è": "äå",
    "á": "å", "e": "ä", "6": "ö", "&": "åä", "4": "åä", "¢": "öe", "G": "öÖ", "g": "ö", "0": "O",
    "ä": "å", "å": "ä", "D": "Ä",
}
# Two glyphs read for one letter ('niir' = 'när', 'moijligheten' = 'möjligheten', '14g' = 'låg').
BIGRAMS: dict[str, str] = {
    "ii": "ä", "ia": "ä", "id": "ä", "éd": "ä", "ai": "å", "éi": "ä", "éa": "ä", "oi": "ö", "oé": "ö", "dé": "ö", "dd": "ö", "14": "lå",
}
SUFFIXES = ("arna", "erna", "orna", "ande", "ende", "ens", "ets", "en", "et", "na", "er", "ar", "or", "s", "t", "a", "e")
REAL_WORD_MARGIN = 2.0  # zipf points a repaired real word must beat the raw one by
DOMAIN_MIN = 3  # ... or: the repaired form is this common in authority text and the raw one is not
_DOMAIN_FILE = Path(__file__).with_name("data") / "sv_authority_counts.tsv"
MAX_SKELETONS = 256
_TOKEN = re.compile(r"[^\s]+")
_CORE = re.compile(r"^([\"'“”«»(\[]*)(.*?)([\"'“”«»)\],.;:!?’]*)$")
_RULES_FILE = Path(__file__).with_name("ocr_rules.yaml")


@dataclass(frozen=True)
class Change:
    position: int
    raw: str
    repaired: str
    reason: str


def _hunspell_path() -> Path:
    candidates = [Path(sys.prefix) / "share/hunspell/sv_SE.dic"]
    try:
        for f in importlib.metadata.files("hunspell-sv") or []:
            if str(f).endswith("sv_SE.dic"):
                candidates.insert(0, Path(f.locate()).resolve())
    except importlib.metadata.PackageNotFoundError:
        pass
    candidates.append(Path("/usr/share/hunspell/sv_SE.dic"))
    for c in candidates:
        if c.exists():
            return c.with_suffix("")
    raise RuntimeError("Swedish Hunspell dictionary not found: install the 'hunspell-sv' package")


class SwedishLexicon:
    """Hunspell for 'is this a word', wordfreq for 'which spelling is likelier'."""

    def __init__(self) -> None:
        from spylls.hunspell import Dictionary
        from wordfreq import iter_wordlist, zipf_frequency

        self._dic = Dictionary.from_files(str(_hunspell_path()))
        self._zipf = zipf_frequency
        self.domain: dict[str, int] = {}
        for line in _DOMAIN_FILE.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, n = line.split("\t")
                self.domain[word] = int(n)
        self.by_skeleton: dict[str, list[str]] = {}
        for w in iter_wordlist("sv", wordlist="large"):
            if w.isalpha():
                self.by_skeleton.setdefault(fold(w), []).append(w)
        # Hunspell stems too: many compounds and inflections are only known through them.
        dic = _hunspell_path().with_suffix(".dic").read_text(encoding="utf-8").splitlines()[1:]
        for line in dic:
            stem = line.split("/", 1)[0].strip()
            if stem.isalpha() and stem.islower():
                forms = self.by_skeleton.setdefault(fold(stem), [])
                if stem not in forms:
                    forms.append(stem)

    @functools.lru_cache(maxsize=200_000)
    def is_word(self, token: str) -> bool:
        if not token or not any(c.isalpha() for c in token):
            return True
        variants = {token, token.lower(), token.capitalize()}
        return any(self._dic.lookup(v) for v in variants)

    @functools.lru_cache(maxsize=200_000)
    def zipf(self, word: str) -> float:
        return self._zipf(word.lower(), "sv", wordlist="large")

    @functools.lru_cache(maxsize=200_000)
    def english(self, word: str) -> bool:
        return self._zipf(word.lower(), "en") >= 3.0 and not self.is_word(word)


def _allowed(raw: str, cand: str) -> bool:
    if len(raw) != len(cand):
        return False
    for r, c in zip(raw, cand):
        if r.lower() == c.lower() or c in CONFUSABLE.get(r, "") or c.lower() in CONFUSABLE.get(r, "").lower():
            continue
        return False
    return True


def _skeletons(token: str) -> list[str]:
    options = []
    for ch in token:
        alts = {fold(ch)} | {fold(a) for a in CONFUSABLE.get(ch, "")}
        alts = {a for a in alts if a.isalpha()} or alts
        options.append(sorted(alts))
    out = []
    for combo in itertools.product(*options):
        out.append("".join(combo))
        if len(out) >= MAX_SKELETONS:
            break
    return out


class OcrRepairer:
    def __init__(self, lexicon: SwedishLexicon | None = None, rules_file: Path = _RULES_FILE) -> None:
        self.lex = lexicon or SwedishLexicon()
        rules = load_yaml(rules_file.read_text(encoding="utf-8"))
        self.context_rules = [
            {**r, "prev_re": re.compile(r["prev"]) if "prev" in r else None,
             "next_re": re.compile(r["next"]) if "next" in r else None}
            for r in rules.get("context_rules", [])
        ]
        self.keep = set(rules.get("keep_real_words", []))
        self.corrections: dict[str, str] = dict(rules.get("corrections") or {})

    @functools.lru_cache(maxsize=100_000)
    def candidates(self, core: str) -> tuple[str, ...]:
        """Known spellings the raw token could be an OCR reading of, likeliest first."""
        found: set[str] = set()
        for variant in self._variants(core):
            found |= self._lookup(variant)
        if not found:
            for variant in self._variants(core):
                found |= self._by_suffix(variant)
                if len(variant) >= 8:
                    found |= self._compound(variant)
        ranked = sorted(found, key=lambda w: (-self.lex.zipf(w), w))
        return tuple(ranked)

    def _variants(self, core: str) -> list[str]:
        out = [core]
        for bigram, repl in BIGRAMS.items():
            for v in list(out):
                if bigram in v.lower() and len(out) < 16:
                    i = v.lower().index(bigram)
                    out.append(v[:i] + repl + v[i + len(bigram):])
        return out

    def _lookup(self, variant: str) -> set[str]:
        found = set()
        for sk in _skeletons(variant):
            for w in self.lex.by_skeleton.get(sk, ()):
                if _allowed(variant, w) or _allowed(variant.lower(), w):
                    found.add(w)
        return found

    def _by_suffix(self, variant: str) -> set[str]:
        """Restore the stem and keep the ending: 'mdjligheten' → 'möjlighet' + 'en', checked by Hunspell."""
        out = set()
        low = variant.lower()
        for suf in SUFFIXES:
            if len(low) - len(suf) < 3 or not low.endswith(suf):
                continue
            for stem in sorted(self._lookup(low[: -len(suf)]), key=self.lex.zipf, reverse=True)[:3]:
                cand = stem + suf
                if self.lex.is_word(cand):
                    out.add(cand)
        return out

    def _compound(self, variant: str) -> set[str]:
        """Two-part compounds ('malgruppsanalysen' → 'målgrupp'+'s'+'analysen'), checked by Hunspell."""
        out: set[str] = set()
        low = variant.lower()
        for i in range(3, len(low) - 2):
            for link in ("", "s"):
                head, tail = low[:i], low[i:]
                if link and not head.endswith("s"):
                    continue
                hbase = head[:-1] if link else head
                heads = sorted(self._lookup(hbase), key=self.lex.zipf, reverse=True)[:3]
                if not heads:
                    continue
                tails = sorted(self._lookup(tail) | self._by_suffix(tail), key=self.lex.zipf, reverse=True)[:3]
                for h in heads:
                    for t in tails:
                        cand = h + link + t
                        # Hunspell lacks many long compounds: two frequent parts restored the same way suffice.
                        parts_ok = len(h) >= 4 and len(t) >= 4 and min(self.lex.zipf(h), self.lex.zipf(t)) >= 3.0
                        if cand != low and (self.lex.is_word(cand) or parts_ok):
                            out.add(cand)
            if len(out) >= 3:
                break
        return out

    def _match_case(self, raw: str, cand: str, sentence_start: bool) -> str:
        letters = [c for c in raw if c.isalpha()]
        if len(letters) > 1 and all(c.isupper() for c in letters):
            return cand.upper()
        proper = not self.lex.is_word(cand) and self.lex.is_word(cand.capitalize())
        if raw[:1].isupper() and (sentence_start or proper or raw[:1] not in "OG6"):
            return cand[:1].upper() + cand[1:]
        return cand

    def repair_token(self, raw: str, prev: str, nxt: str) -> tuple[str, str]:
        """Return (repaired token, reason) for one whitespace token with its neighbours."""
        m = _CORE.match(raw)
        lead, core, trail = m.group(1), m.group(2), m.group(3)
        if not core:
            return raw, ""
        if core in self.corrections:
            return lead + self.corrections[core] + trail, "correction"
        for rule in self.context_rules:
            if core != rule["token"]:
                continue
            if rule["prev_re"] is not None and not rule["prev_re"].search(prev):
                continue
            if rule["next_re"] is not None and not rule["next_re"].search(nxt):
                continue
            return lead + rule["replace"] + trail, "context-rule" if rule["replace"] != core else ""
        if not any(c.isalpha() for c in core) or any(c.isdigit() for c in core) and core.isdigit():
            return raw, ""
        if "-" in core:
            parts = core.split("-")
            fixed = [self.repair_token(p, prev, nxt)[0] if p else p for p in parts]
            joined = "-".join(fixed)
            return (lead + joined + trail, "lexicon") if joined != core else (raw, "")
        sentence_start = prev == "" or prev[-1:] in ".!?:"
        cands = [c for c in self.candidates(core) if c.lower() != core.lower()]
        # A compound Hunspell accepts but Swedish text never shows ('malgruppsanalys') is not evidence
        # against a restored spelling.
        known = self.lex.is_word(core) and (self.lex.zipf(core) > 0 or not cands or len(core) < 9)
        if not known:
            for cand in cands:
                if self.lex.is_word(cand) or self.lex.zipf(cand) >= 3.0:
                    return lead + self._match_case(core, cand, sentence_start) + trail, "lexicon"
            return raw, ""
        if core.lower() in self.keep or not cands:
            return raw, ""
        best = cands[0]
        d_best, d_raw = self.lex.domain.get(best, 0), self.lex.domain.get(core.lower(), 0)
        by_domain = d_best >= DOMAIN_MIN and d_best >= 2 * (d_raw + 1)
        if self.lex.zipf(best) - self.lex.zipf(core) < REAL_WORD_MARGIN and not by_domain:
            return raw, ""
        if not (self._swedish(prev) and self._swedish(nxt)):
            return raw, ""
        return lead + self._match_case(core, best, sentence_start) + trail, "real-word"

    def _swedish(self, tok: str) -> bool:
        core = _CORE.match(tok).group(2) if tok else ""
        if not core or not any(c.isalpha() for c in core):
            return True
        return self.lex.is_word(core) or (not self.lex.english(core) and bool(self.candidates(core)))

    def repair(self, text: str) -> tuple[str, list[Change]]:
        """Repair a whole text; whitespace and line breaks are kept as they are."""
        tokens = list(_TOKEN.finditer(text))
        out, changes, last = [], [], 0
        for i, m in enumerate(tokens):
            prev = tokens[i - 1].group() if i else ""
            nxt = tokens[i + 1].group() if i + 1 < len(tokens) else ""
            fixed, reason = self.repair_token(m.group(), prev, nxt)
            out.append(text[last:m.start()])
            out.append(fixed)
            last = m.end()
            if fixed != m.group():
                changes.append(Change(m.start(), m.group(), fixed, reason))
        out.append(text[last:])
        return "".join(out), changes
