"""/staff/stats: where Källa falls short, by language and by site, as server-drawn SVG and tables."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.pipeline.answer import Status
from app.staff import charts
from app.staff.audit import audit
from app.staff.deps import DbDep, StaffDep, console, guard
from app.staff.filters import NO_SITE, STATUSES
from app.staff.queue import filter_options
from app.staff.reviews import ANSWER_VERDICT_LABELS
from app.staff.comparison import MIN_SITES, compare
from app.staff.stats import StatsFilter, compute, topics_to_load
from app.staff.formatting import contact_namer, language_name, topic_namer

router = APIRouter(prefix="/staff", include_in_schema=False, dependencies=[Depends(guard)])
STATUS_LABELS = {s.value: s.label for s in Status}


def _site_label(key: str) -> str:
    return "(no site)" if key == NO_SITE else key


def _charts(st, language_name) -> dict:
    status_series = [(s, charts.STATUS_COLOURS[s]) for s in STATUSES]
    rate_series = [("handoff rate", charts.RATE_COLOURS["handoff"]),
                   ("no-answer rate", charts.RATE_COLOURS["no_answer"]),
                   ("citation precision", charts.RATE_COLOURS["precision"]),
                   ("helpful feedback", charts.RATE_COLOURS["helpful"])]

    def rates(groups, label):
        return [(label(k), [g.handoff_rate, g.no_answer_rate, g.precision, g.helpful_share]) for k, g in groups.items()]

    span = f"{st.filter.date_from} to {st.filter.date_to}"
    by_lang = charts.top_series(st.per_day_language, list(st.by_language), language_name)
    by_site = charts.top_series(st.per_day_site, list(st.by_site), _site_label)
    return {
        "per_day": charts.stacked_days(
            "Answers per day, by status", f"Stacked columns, one per day (UTC) from {span}.",
            st.per_day, status_series, STATUS_LABELS),
        "per_day_language": charts.stacked_days(
            "Answers per day, by language", f"Stacked columns, one per day (UTC) from {span}; the six most "
            "asked languages, the rest as 'other'.", *by_lang),
        "per_day_site": charts.stacked_days(
            "Answers per day, by site", f"Stacked columns, one per day (UTC) from {span}; the six busiest "
            "sites, the rest as 'other'.", *by_site),
        "by_status": charts.bars(
            "Answers by status", f"Number of answers per status, {span}.",
            [(STATUS_LABELS[s], [st.total.statuses.get(s, 0)]) for s in STATUSES], [("answers", "#0072B2")]),
        "by_language": charts.bars(
            "Answers by language", f"Number of answers per resident language, {span}.",
            [(language_name(k), [g.answers]) for k, g in st.by_language.items()], [("answers", "#0072B2")]),
        "by_site": charts.bars(
            "Answers by site", f"Number of answers per embedding site, {span}.",
            [(_site_label(k), [g.answers]) for k, g in st.by_site.items()], [("answers", "#0072B2")]),
        "rates_language": charts.bars(
            "Rates by language", "Handoff rate, no-answer rate, citation precision from reviews and share of "
            f"helpful feedback per language, {span}. 'no data' when nothing was reviewed or rated.",
            rates(st.by_language, language_name), rate_series, percent=True),
        "rates_site": charts.bars(
            "Rates by site", "Handoff rate, no-answer rate, citation precision from reviews and share of "
            f"helpful feedback per site, {span}.", rates(st.by_site, _site_label), rate_series, percent=True),
    }


@router.get("/stats")
def stats_page(request: Request, db: DbDep, staff: StaffDep) -> Response:
    c = console(request)
    f = StatsFilter.from_query(request.query_params, staff.scope)
    st = compute(db, f)
    languages, sites = filter_options(db, staff.scope)
    # One municipality's view (a site account, or a national one choosing a site) beside the national figures.
    comparison = compare(db, st) if not staff.scope.national or f.site else None
    audit(db, "view_stats", user_id=staff.id, actor=staff.email, detail=f.params())
    store = c.state.store
    bundle = c.state.pipeline.bundle if c.state.pipeline is not None else None
    covered = set((bundle.manifest.coverage or {}).get("covered", {})) if bundle else set()
    topic_name = topic_namer(bundle)
    return c.render(request, "stats.html", {
        "to_load": topics_to_load(st, covered), "covered_topics": covered, "topic_name": topic_name,
        "comparison": comparison, "min_sites": MIN_SITES, "contact_name": contact_namer(bundle),
        "reason_label": lambda key: topic_name(key) if bundle and bundle.catalogue and key in bundle.catalogue.topics
        else key.replace("_", " "),
        "staff": staff, "st": st, "f": f, "charts": _charts(st, language_name), "languages": languages,
        "sites": sites, "NO_SITE": NO_SITE, "site_label": _site_label, "language_name_filter": language_name,
        "statuses": STATUSES,
        "status_labels": STATUS_LABELS, "verdict_labels": ANSWER_VERDICT_LABELS,
        "answer_log": store.status() if store else None})
