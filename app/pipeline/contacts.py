"""Who a resident is handed to: Migrationsverket always, plus the embedding site's own contact if any."""
from __future__ import annotations

from app.i18n.catalogue import text
from app.pipeline.answer import Contact

MIGRATIONSVERKET_PHONE = "0771-235 235"
MIGRATIONSVERKET_PHONE_ABROAD = "+46 771 235 235"
MIGRATIONSVERKET_URL = "https://www.migrationsverket.se"


def migrationsverket(language: str, hours: str) -> Contact:
    return Contact(name=text("migrationsverket_name", language), phone=MIGRATIONSVERKET_PHONE,
                   phone_abroad=MIGRATIONSVERKET_PHONE_ABROAD, url=MIGRATIONSVERKET_URL, hours=hours)


def contacts_for(language: str, hours: str, site_contact: Contact | None = None) -> list[Contact]:
    out = [migrationsverket(language, hours)]
    if site_contact:
        out.append(site_contact)
    return out
