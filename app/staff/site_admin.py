"""Changing sites from the staff console and the CLI: every change validated as the seed file is, and recorded.

A site's administrators change what is theirs (contact, languages, colour, corner, leave-quickly address) at
once; its allowed origins decide which web pages may speak for the site, so a site administrator only proposes
them and a national administrator approves (a national administrator's own change applies at once). New
sites are made by national administrators. Every change is a row in site_changes with what it was before.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlsplit

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n.languages import LANGUAGES
from app.pipeline.redact import redact
from app.sites import Site, SitesError, normalise_origin, parse_site
from app.staff.audit import audit
from app.staff.auth import Staff
from app.store.models import utcnow
from app.store.site_models import SiteChange, SiteRecord
from app.store.site_store import read_sites, write_site

MAX_NOTE = 500
HISTORY = 50


class SiteChangeRefused(ValueError):
    """What the staff member should read: the field and what to fix, or why the change cannot be made."""


def load_site(db: Session, site_id: str) -> Site | None:
    row = db.get(SiteRecord, site_id[:64])
    return parse_site(row.id, row.settings) if row is not None else None


def _text(form, key: str, limit: int = 300) -> str:
    return str(form.get(key) or "").strip()[:limit]


def form_values(site: Site) -> dict[str, str]:
    """What the settings form shows for a site (a name or hours given for any language show under the site's
    default language)."""
    c = site.contact
    values = {"name": site.name, "default_language": site.default_language, "accent": site.accent,
              "position": site.position, "leave_url": site.leave_url}
    for code in LANGUAGES:
        name = (c.name.get(code) or (c.name.get("*", "") if code == site.default_language else "")) if c else ""
        values[f"contact_name_{code}"] = name
    for key in ("phone", "phone_abroad", "url"):
        values[f"contact_{key}"] = getattr(c, key) if c else ""
    hours = c.hours if c else {}
    values["contact_hours"] = hours.get("*") or hours.get(site.default_language) or next(iter(hours.values()), "")
    return values


def settings_from_form(site: Site, form, national: bool) -> dict:
    """The site's entry after the form's changes. Fields left as shown keep their stored form (a name given for
    any language stays so); origins are never taken from this form."""
    raw, shown = site.to_raw(), form_values(site)
    sent = {k: _text(form, k) for k in shown}
    if national and sent["name"]:
        raw["name"] = sent["name"]
    for key in ("default_language", "accent", "position", "leave_url"):
        raw[key] = sent[key]
    contact = dict(raw.get("contact") or {})
    name_keys = [f"contact_name_{code}" for code in LANGUAGES]
    if any(sent[k] != shown[k] for k in name_keys):
        contact["name"] = {k.removeprefix("contact_name_"): sent[k] for k in name_keys if sent[k]}
    for key in ("phone", "phone_abroad", "url", "hours"):
        if sent[f"contact_{key}"] != shown[f"contact_{key}"]:
            contact[key] = sent[f"contact_{key}"]
    contact = {k: v for k, v in contact.items() if v}
    if contact:
        raw["contact"] = contact
    else:
        raw.pop("contact", None)
    return raw


def _parse(site_id: str, raw: dict) -> Site:
    try:
        return parse_site(site_id, raw)
    except SitesError as exc:
        raise SiteChangeRefused(str(exc)) from None


def save_settings(db: Session, staff: Staff, site: Site, form) -> list[str]:
    """Apply a site administrator's edit; the names of the settings that changed (none: nothing saved)."""
    new = _parse(site.id, settings_from_form(site, form, staff.is_national_admin))
    before, after = site.to_raw(), new.to_raw()
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    if changed:
        write_site(db, new, kind="settings", actor=staff.email, actor_id=staff.id,
                   before={k: before.get(k) for k in changed})
        audit(db, "site_settings_saved", user_id=staff.id, actor=staff.email, target=site.id,
              detail={"changed": changed})
    return changed


def parse_origins(text: str) -> list[str]:
    """One origin per line (or a page address: its origin is taken); SiteChangeRefused names a bad line."""
    out = set()
    for line in text.replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        parts = urlsplit(line)
        candidate = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else line
        try:
            out.add(normalise_origin(candidate))
        except SitesError as exc:
            raise SiteChangeRefused(str(exc)) from None
    if len(out) > 50:
        raise SiteChangeRefused("at most 50 origins per site")
    return sorted(out)


def change_origins(db: Session, staff: Staff, site: Site, text: str) -> SiteChange | None:
    """A national administrator's change applies at once; a site administrator's waits for approval (a newer
    proposal replaces an older one). None when the list is unchanged."""
    new = parse_origins(text)
    current = sorted(site.allowed_origins)
    if new == current:
        return None
    for old in db.scalars(select(SiteChange).where(SiteChange.site_id == site.id, SiteChange.kind == "origins",
                                                   SiteChange.state == "pending")):
        old.state, old.decided_at, old.decided_by = "superseded", utcnow(), staff.email
    if staff.is_national_admin:
        change = write_site(db, dataclasses.replace(site, allowed_origins=frozenset(new)), kind="origins",
                            actor=staff.email, actor_id=staff.id, before={"allowed_origins": current})
        change.decided_by, change.decided_at = staff.email, utcnow()
        audit(db, "site_origins_changed", user_id=staff.id, actor=staff.email, target=site.id,
              detail={"added": sorted(set(new) - set(current)), "removed": sorted(set(current) - set(new))})
        return change
    change = SiteChange(site_id=site.id, created_at=utcnow(), kind="origins", state="pending", actor_id=staff.id,
                        actor=staff.email, before={"allowed_origins": current}, after={"allowed_origins": new})
    db.add(change)
    audit(db, "site_origins_proposed", user_id=staff.id, actor=staff.email, target=site.id,
          detail={"added": sorted(set(new) - set(current)), "removed": sorted(set(current) - set(new))})
    return change


def decide(db: Session, staff: Staff, change: SiteChange, approve: bool, note: str = "") -> str:
    """A national administrator approves or rejects a pending origins proposal; the outcome, in words."""
    if change.kind != "origins" or change.state != "pending":
        raise SiteChangeRefused("This proposal was already decided.")
    site = load_site(db, change.site_id)
    change.decided_by, change.decided_at = staff.email, utcnow()
    change.note = redact(note.strip()[:MAX_NOTE]).text
    if approve and site is not None and sorted(site.allowed_origins) != change.before.get("allowed_origins"):
        change.state = "superseded"
        audit(db, "site_origins_superseded", user_id=staff.id, actor=staff.email, target=change.site_id)
        return "The site's origins changed after this proposal was made, so it was not applied. Ask for a new one."
    if approve and site is not None:
        row = db.get(SiteRecord, site.id)
        row.settings = dataclasses.replace(site, allowed_origins=frozenset(change.after["allowed_origins"])).to_raw()
        row.updated_at = utcnow()
        change.state = "approved"
    else:
        change.state = "rejected"
    audit(db, f"site_origins_{change.state}", user_id=staff.id, actor=staff.email, target=change.site_id,
          detail={"proposal": change.id})
    return f"The proposal was {change.state}."


def create_site(db: Session, staff: Staff, form) -> Site:
    site_id = _text(form, "id", 64).lower()
    if db.get(SiteRecord, site_id) is not None:
        raise SiteChangeRefused(f"a site with the id {site_id!r} already exists")
    raw: dict = {"name": _text(form, "name", 200), "default_language": _text(form, "default_language") or "sv",
                 "allowed_origins": parse_origins(_text(form, "allowed_origins", 5000))}
    site = _parse(site_id, raw)
    write_site(db, site, kind="created", actor=staff.email, actor_id=staff.id)
    audit(db, "site_created", user_id=staff.id, actor=staff.email, target=site.id,
          detail={"origins": sorted(site.allowed_origins)})
    return site


def history(db: Session, site_id: str) -> list[SiteChange]:
    return list(db.scalars(select(SiteChange).where(SiteChange.site_id == site_id)
                           .order_by(SiteChange.id.desc()).limit(HISTORY)))


def pending(db: Session, site_ids: list[str] | None = None) -> list[SiteChange]:
    stmt = select(SiteChange).where(SiteChange.state == "pending").order_by(SiteChange.id)
    if site_ids is not None:
        stmt = stmt.where(SiteChange.site_id.in_(site_ids))
    return list(db.scalars(stmt))


# --- the seed file's format: import and export (python -m app.cli sites) ---------------------------------

def import_sites(db: Session, sites: dict[str, Site], source: str) -> dict[str, str]:
    """Add or update every site of a sites file; sites not in the file are left alone. id -> what happened."""
    current = read_sites(db)
    outcome = {}
    for site_id, site in sites.items():
        old = current.get(site_id)
        if old is not None and old.to_raw() == site.to_raw():
            outcome[site_id] = "unchanged"
            continue
        before = old.to_raw() if old is not None else None
        changed = sorted(k for k in set(before or {}) | set(site.to_raw())
                         if (before or {}).get(k) != site.to_raw().get(k)) if before else None
        write_site(db, site, kind="imported", actor=f"cli: {source}"[:254],
                   before={k: before.get(k) for k in changed} if before else None)
        audit(db, "site_imported", actor="cli", target=site_id, detail={"changed": changed or "new site"})
        outcome[site_id] = "added" if old is None else "changed"
    return outcome


EXPORT_HEADER = """# Sites that embed the Källa chat widget, exported from the database (python -m app.cli sites export).
# The format of config/sites.yaml (see the comments there and docs/widget.md); import with
# python -m app.cli sites import FILE.
"""


def export_sites(db: Session) -> str:
    data = {"sites": {site_id: site.to_raw() for site_id, site in read_sites(db).items()}}
    return EXPORT_HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


@dataclass(frozen=True)
class EmbedCheck:
    """Would the widget work on this page? What staff typed, the origin it was read as, and the answer."""
    page: str
    origin: str
    allowed: bool
    problem: str = ""


def check_page(site: Site, page: str) -> EmbedCheck:
    page = page.strip()[:500]
    parts = urlsplit(page if "://" in page else f"https://{page}")
    try:
        origin = normalise_origin(f"{parts.scheme}://{parts.netloc}")
    except SitesError as exc:
        return EmbedCheck(page, "", False, str(exc))
    return EmbedCheck(page, origin, origin in site.allowed_origins)


def _short(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_short(v)}" for k, v in value.items())
    return str(value)


def describe(change: SiteChange) -> list[str]:
    """What a change did, one line per setting ("accent: #00594f → #7a1f5c"; contact details per field)."""
    if not change.before:
        return ["the whole site: " + ", ".join(sorted(change.after))] if change.after else []
    lines = []
    for key in sorted(set(change.before) | set(change.after)):
        old, new = change.before.get(key), change.after.get(key)
        if isinstance(old, dict) or isinstance(new, dict):
            old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
            for sub in sorted(set(old) | set(new)):
                if old.get(sub) != new.get(sub):
                    lines.append(f"{key}.{sub}: {_short(old.get(sub))} → {_short(new.get(sub))}")
        elif isinstance(old, list) or isinstance(new, list):
            added, removed = sorted(set(new or []) - set(old or [])), sorted(set(old or []) - set(new or []))
            lines.append(f"{key}: " + "; ".join(([f"add {_short(added)}"] if added else []) +
                                                 ([f"remove {_short(removed)}"] if removed else [])))
        else:
            lines.append(f"{key}: {_short(old)} → {_short(new)}")
    return lines
