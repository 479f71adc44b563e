"""Turn OCR'd page text into Markdown: drop page furniture, rejoin paragraphs split by page breaks,
join hyphenated words, mark headings and list items, and move footnotes to the end."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_BULLET = re.compile(r"^\s*(?:[e•+«»¢o\-–*]|\d+\.)\s+(?=\S)")
_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\s+[A-ZÅÄÖ]")
_KEEP_HYPHEN_BEFORE = {"och", "eller", "samt", "till"}


@dataclass
class CleaningSpec:
    """Reviewable per-source rules (see corpus/_raw/split.yaml)."""
    replace: list[tuple[str, str]] = field(default_factory=list)
    drop_lines: list[str] = field(default_factory=list)
    drop_blocks: list[str] = field(default_factory=list)
    footnote_blocks: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, d: dict | None) -> "CleaningSpec":
        d = d or {}
        return cls(
            replace=[(r[0], r[1]) for r in d.get("replace", [])],
            drop_lines=list(d.get("drop_lines", [])), drop_blocks=list(d.get("drop_blocks", [])),
            footnote_blocks=list(d.get("footnote_blocks", [])),
        )


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks, cur = [], []
    for line in lines:
        # OCR marks a new page with a leading space: it also starts a new block.
        if cur and re.match(r"^ \S", line):
            blocks.append(cur)
            cur = []
        if line.strip():
            cur.append(line.rstrip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        line = line.strip()
        if not out:
            out = line
        elif out.endswith("-") and line[:1].islower():
            first = line.split(" ", 1)[0]
            out = out + (" " + line if first in _KEEP_HYPHEN_BEFORE else "")
            if first not in _KEEP_HYPHEN_BEFORE:
                out = out[:-1] + line
        else:
            out = out + " " + line
    return re.sub(r"\s+", " ", out).strip()


def _is_heading(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    text = block[0].strip()
    if _BULLET.match(text) or len(text.split()) > 12 or text[-1:] in ".,;:?!" or not text[:1].isalnum():
        return False
    return text[:1].isupper() or bool(_NUMBERED_HEADING.match(text))


def _heading(text: str) -> str:
    m = _NUMBERED_HEADING.match(text)
    depth = m.group(1).count(".") + 2 if m else 2
    return "#" * min(depth, 5) + " " + text


def _paragraph(block: list[str]) -> str:
    items: list[list[str]] = []
    for line in block:
        if _BULLET.match(line) or not items:
            items.append([line])
        else:
            items[-1].append(line)
    if len(items) > 1 or _BULLET.match(block[0]):
        rendered = []
        for it in items:
            text = _join_lines(it)
            rendered.append(_BULLET.sub("- ", text, count=1) if _BULLET.match(text) else text)
        return "\n".join(rendered)
    return _join_lines(block)


def clean(raw: str, spec: CleaningSpec, title: str | None = None) -> str:
    for old, new in spec.replace:
        raw = raw.replace(old, new)
    drop_line = [re.compile(p) for p in spec.drop_lines]
    lines = [ln for ln in raw.splitlines() if not any(p.search(ln) for p in drop_line)]
    drop_block = [re.compile(p) for p in spec.drop_blocks]
    foot = [re.compile(p) for p in spec.footnote_blocks]
    body: list[list[str]] = []
    footnotes: list[str] = []
    split: list[list[str]] = []
    for block in _blocks(lines):
        # A numbered heading printed directly above its text ('4.1.3 Filmer\nMigrationsverket har ...').
        head = block[0].strip()
        if len(block) > 1 and _NUMBERED_HEADING.match(head) and len(head.split()) <= 8 and head[-1:] not in ".,;:":
            split.extend([[head], block[1:]])
        else:
            split.append(block)
    for block in split:
        first = block[0]
        if any(p.search(first) for p in drop_block):
            continue
        if any(p.search(first) for p in foot):
            footnotes.append(_join_lines(block))
            continue
        prev = body[-1] if body else None
        # A page break split this paragraph: the previous block ends mid-sentence, this one goes on.
        if prev and not _is_heading(prev) and prev[-1].rstrip()[-1:] not in ".:!?" and first.strip()[:1].islower():
            prev.extend(block)
            continue
        body.append(block)
    parts = [f"# {title}"] if title else []
    for block in body:
        parts.append(_heading(block[0].strip()) if _is_heading(block) else _paragraph(block))
    if footnotes:
        parts.append("## Fotnoter")
        parts.append("\n".join(f"- {f}" for f in footnotes))
    return "\n\n".join(parts) + "\n"
