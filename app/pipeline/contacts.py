"""Who a resident is handed to (Migrationsverket always, plus the embedding site's own contact if any), and
the one way a handoff is made: for a personal or leading question, a no-answer, a timeout or an error."""
from __future__ import annotations

from app.i18n.catalogue import text
from app.i18n.hours import localised_hours
from app.pipeline.answer import Contact, Handoff

MIGRATIONSVERKET_PHONE = "0771-235 235"
MIGRATIONSVERKET_PHONE_ABROAD = "+46 771 235 235"
MIGRATIONSVERKET_URL = "https://www.migrationsverket.se"


def migrationsverket(language: str, hours: str) -> Contact:
    return Contact(name=text("migrationsverket_name", language), phone=MIGRATIONSVERKET_PHONE,
                   phone_abroad=MIGRATIONSVERKET_PHONE_ABROAD, url=MIGRATIONSVERKET_URL,
                   hours=localised_hours(hours, language))


def contacts_for(language: str, hours: str, site_contact: Contact | None = None) -> list[Contact]:
    out = [migrationsverket(language, hours)]
    if site_contact:
        out.append(site_contact)
    return out


def handoff(reason: str, message: str, language: str, hours: str, site_contact: Contact | None = None) -> Handoff:
    """A handoff card: why, what to tell the resident (with the interpreter notice), and who can help."""
    return Handoff(reason=reason, message=message + " " + text("interpreter_notice", language),
                   contacts=contacts_for(language, hours, site_contact))
