"""Handoff follow-through: did a resident use the phone or web link of a contact Källa handed them to?

The widget reports one event per link used (answer id, which contact, phone or web) to a small public
endpoint, with the same Origin check and rate limit as the rest of the API, and no cookies or identifiers.
Contacts are named by a key the chat response gives each one. Crisis cards get no key and report nothing:
whether someone in crisis called for help is theirs alone.
"""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from app.api.origin import check_site
from app.api.schemas import FollowThroughRequest, FollowThroughResponse
from app.pipeline.contacts import MIGRATIONSVERKET_PHONE, MIGRATIONSVERKET_URL
from app.sites import Site

router = APIRouter(prefix="/api", tags=["answers"])
CRISIS = "crisis"
OWN_KEYS = ("migrationsverket", "site", "other")


def _authorities(state) -> dict:
    bundle = state.pipeline.bundle if state.pipeline is not None else None
    catalogue = bundle.catalogue if bundle is not None else None
    return {k: a for k, a in (catalogue.authorities if catalogue else {}).items() if not a.site_contact}


def contact_key(contact: dict, site: Site | None, authorities: dict) -> str:
    phone, url = contact.get("phone") or "", contact.get("url") or ""
    if phone == MIGRATIONSVERKET_PHONE or url == MIGRATIONSVERKET_URL:
        return "migrationsverket"
    if site is not None and site.contact is not None and (phone, url) == (site.contact.phone, site.contact.url):
        return "site"
    for aid, a in authorities.items():
        if (a.phone and a.phone == phone) or (a.url and a.url == url):
            return aid
    return "other"


def label_contacts(body: dict, site: Site | None, state) -> dict:
    """Give every contact of the answer's handoff card its key (crisis cards none)."""
    handoff = body.get("handoff")
    if handoff:
        authorities = _authorities(state)
        for c in handoff.get("contacts") or []:
            c["key"] = "" if handoff.get("reason") == CRISIS else contact_key(c, site, authorities)
    return body


@router.post("/followthrough", response_model=FollowThroughResponse, responses={
    404: {"description": "No such answer with a handoff card for this site"}})
def follow_through(body: FollowThroughRequest, request: Request) -> dict:
    """A resident used the phone or web link of one contact on an answer's handoff card."""
    site = check_site(request, body.site)
    state = request.app.state.kalla
    if body.contact not in set(OWN_KEYS) | set(_authorities(state)):
        raise HTTPException(422, detail=f"contact: unknown contact {body.contact!r}")
    store = state.store
    try:
        counted = store.record_follow_through(body.answer_id, site.id if site else None, body.contact, body.link) \
            if store is not None else None
    except Exception:  # noqa: BLE001 - database down: say so plainly
        raise HTTPException(503, detail="this cannot be saved right now") from None
    if counted is None:
        raise HTTPException(404, detail="no answer with a handoff card with that id for this site")
    return {"counted": counted}
