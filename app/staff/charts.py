"""Charts drawn on the server as inline SVG: no script, no CDN, readable without colour (each chart has
a title, a description and a data table beside it in the page; every bar has its own tooltip)."""
from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from html import escape

from markupsafe import Markup

from app.pipeline.answer import Status

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
# Keyed by the Status enum (a str enum: looked up by its value too); a test checks every status has a colour.
STATUS_COLOURS = {Status.ANSWERED: "#0072B2", Status.SERVICE: "#56B4E9", Status.NO_ANSWER: "#E69F00",
                  Status.HANDOFF: "#009E73", Status.CRISIS: "#D55E00", Status.REJECTED: "#CC79A7"}
SERIES_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
OTHER_COLOUR = "#8c8c8c"
RATE_COLOURS = {"handoff": "#009E73", "no_answer": "#E69F00", "precision": "#0072B2", "helpful": "#CC79A7"}
_ids = itertools.count(1)


def _nice_max(value: float) -> tuple[float, float]:
    """A round top for the axis and its tick step (1, 2 or 5 × 10^k)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    step = max(step, 1.0) if value >= 1 else step
    return step * math.ceil(value / step), step


def _num(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    n = next(_ids)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-labelledby="chart-t{n} chart-d{n}" preserveAspectRatio="xMinYMin meet">'
            f'<title id="chart-t{n}">{escape(title)}</title><desc id="chart-d{n}">{escape(desc)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def legend(series: list[tuple[str, str]], x: int, y: int) -> list[str]:
    out = []
    for name, colour in series:
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="{y}" font-size="12" fill="#1b1b1b">{escape(name)}</text>')
        x += 22 + 7 * len(name)
    return out


def top_series(per_day: dict[dt.date, Counter], ranked: list[str], label, n: int = len(SERIES_COLOURS)):
    """The n largest series by name and colour, the rest folded into 'other' (so a chart stays readable)."""
    top = ranked[:n]
    folded = {}
    for day, counts in per_day.items():
        c = Counter({k: v for k, v in counts.items() if k in top})
        rest = sum(v for k, v in counts.items() if k not in top)
        if rest:
            c["other"] = rest
        folded[day] = c
    series = [(k, SERIES_COLOURS[i]) for i, k in enumerate(top)]
    if len(ranked) > n:
        series.append(("other", OTHER_COLOUR))
    labels = {k: label(k) for k in top} | {"other": "other"}
    return folded, series, labels


def stacked_days(title: str, desc: str, per_day: dict[dt.date, Counter], series: list[tuple[str, str]],
                 labels: dict[str, str]) -> Markup:
    """One column per day, stacked by series (statuses, languages or sites)."""
    days = list(per_day)
    width, height, left, right, top, bottom = 760, 280, 44, 12, 30, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value, step = _nice_max(max((sum(c.values()) for c in per_day.values()), default=0))
    body = legend([(labels.get(k, k), c) for k, c in series], left, 16)
    v = 0.0
    while v <= top_value + 1e-9:
        y = top + plot_h - plot_h * v / top_value
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d0d0"/>'
                    f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#1b1b1b">'
                    f'{_num(v)}</text>')
        v += step
    slot = plot_w / max(1, len(days))
    bar = max(1.0, slot * 0.8)
    label_every = max(1, math.ceil(len(days) / 10))
    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for key, colour in series:
            n = per_day[day].get(key, 0)
            if not n:
                continue
            h = plot_h * n / top_value
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                        f'<title>{day.isoformat()}: {n} {escape(labels.get(key, key))}</title></rect>')
        if i % label_every == 0:
            body.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
                        f'text-anchor="middle" fill="#1b1b1b">{day.strftime("%d %b")}</text>')
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#1b1b1b"/>')
    return _svg(width, height, title, desc, body)


def bars(title: str, desc: str, rows: list[tuple[str, list[float | None]]], series: list[tuple[str, str]],
         percent: bool = False) -> Markup:
    """Horizontal bars, one group per row (language, site or status), one bar per series."""
    per_bar, gap, left, right, top = 16, 10, 150, 70, 30
    width = 760
    group_h = per_bar * len(series) + gap
    height = top + max(1, len(rows)) * group_h + 10
    plot_w = width - left - right
    top_value = 1.0 if percent else _nice_max(max((v or 0 for _, vs in rows for v in vs), default=0))[0]
    body = legend(series, left, 16) if len(series) > 1 else []
    if not rows:
        body.append(f'<text x="{left}" y="{top + 14}" font-size="12" fill="#1b1b1b">No answers in this range.</text>')
    for r, (label, values) in enumerate(rows):
        y0 = top + r * group_h
        body.append(f'<text x="{left - 8}" y="{y0 + group_h / 2:.1f}" font-size="12" text-anchor="end" '
                    f'fill="#1b1b1b">{escape(label[:22])}</text>')
        for s, ((name, colour), value) in enumerate(zip(series, values, strict=True)):
            y = y0 + s * per_bar
            shown = "no data" if value is None else (f"{value * 100:.0f} %" if percent else _num(value))
            w = 0 if value is None else plot_w * value / top_value
            body.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{per_bar - 3}" fill="{colour}">'
                        f'<title>{escape(label)}, {escape(name)}: {shown}</title></rect>'
                        f'<text x="{left + w + 5:.1f}" y="{y + per_bar - 5}" font-size="11" fill="#1b1b1b">'
                        f'{shown}</text>')
    body.append(f'<line x1="{left}" x2="{left}" y1="{top - 4}" y2="{height - 8}" stroke="#1b1b1b"/>')
    return _svg(width, height, title, desc, body)
