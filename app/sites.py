"""The sites that embed the widget: parsed from the seed file (settings.sites_file) or the database, one format.

A web editor's typo must not silently open the API to the world or hand residents a wrong phone
number, so every site is validated strictly, from the file, the database or a staff form alike: unknown
keys, malformed origins, unsupported languages and bad colours are errors that name the site and the field.
What the service reads is app.site_registry.SiteRegistry: fed by the database when one is attached (staff
edit sites in /staff/sites), else by the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from app.datafile import load_yaml
from app.i18n.languages import LANGUAGES, normalise_code
from app.i18n.hours import localised_hours
from app.pipeline.answer import Contact


SITE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
DEFAULT_ACCENT = "#1f5f8b"
DEFAULT_LEAVE_URL = "https://www.google.com/"
POSITIONS = ("right", "left")
SITE_KEYS = {"name", "allowed_origins", "default_language", "accent", "contact", "leave_url", "position"}
CONTACT_KEYS = {"name", "phone", "phone_abroad", "url", "hours"}


class SitesError(ValueError):
    """The sites file cannot be used; the message names the site and the field."""


def normalise_origin(value: str) -> str:
    """'HTTPS://Kommun.se:443/' -> 'https://kommun.se': the form browsers send in the Origin header."""
    if not isinstance(value, str) or not value.strip():
        raise SitesError("an origin must be a non-empty string like https://www.kommun.se")
    raw = value.strip()
    parts = urlsplit(raw)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SitesError(f"origin {raw!r} must look like https://www.kommun.se (scheme and host)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise SitesError(f"origin {raw!r} must be scheme and host only, without path, query or user")
    if "*" in raw:
        raise SitesError(f"origin {raw!r}: wildcards are not allowed; list every origin")
    scheme, host = parts.scheme.lower(), parts.hostname.lower()
    try:
        port = parts.port
    except ValueError:
        raise SitesError(f"origin {raw!r} has an invalid port") from None
    if ":" in host:
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port and port != default_port else "")


def origin_or_none(value: str | None) -> str | None:
    """The normalised form of an Origin header, or None for absent, 'null' or malformed ones."""
    if not value or value == "null":
        return None
    try:
        return normalise_origin(value)
    except SitesError:
        return None


def text_colour_on(background: str) -> str:
    """Black or white, whichever contrasts more with the background (always >= 4.5:1, WCAG AA)."""
    hexa = background.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(ch * 2 for ch in hexa)

    def channel(c: str) -> float:
        v = int(c, 16) / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(hexa[0:2]) + 0.7152 * channel(hexa[2:4]) + 0.0722 * channel(hexa[4:6])
    on_white = 1.05 / (lum + 0.05)
    on_black = (lum + 0.05) / 0.05
    return "#ffffff" if on_white >= on_black else "#000000"


@dataclass(frozen=True)
class SiteContact:
    """The municipality's own contact; name and hours may be given per language."""
    name: dict[str, str]
    phone: str = ""
    phone_abroad: str = ""
    url: str = ""
    hours: dict[str, str] = field(default_factory=dict)

    def for_language(self, language: str, fallback: str) -> Contact:
        def pick(values: dict[str, str]) -> str:
            return values.get(language) or values.get(fallback) or next(iter(values.values()), "")

        return Contact(name=pick(self.name), phone=self.phone, url=self.url,
                       hours=localised_hours(pick(self.hours), language), phone_abroad=self.phone_abroad)

    def to_raw(self) -> dict:
        """The contact in the sites file's form (parse_site reads it back to an equal value)."""
        def texts(values: dict[str, str]) -> str | dict[str, str]:
            return values["*"] if set(values) == {"*"} else dict(values)

        raw: dict = {"name": texts(self.name)}
        for key in ("phone", "phone_abroad", "url"):
            if getattr(self, key):
                raw[key] = getattr(self, key)
        if self.hours:
            raw["hours"] = texts(self.hours)
        return raw


@dataclass(frozen=True)
class Site:
    id: str
    name: str
    allowed_origins: frozenset[str]
    default_language: str
    accent: str = DEFAULT_ACCENT
    contact: SiteContact | None = None
    leave_url: str = DEFAULT_LEAVE_URL
    position: str = "right"

    def allows(self, origin: str | None) -> bool:
        normalised = origin_or_none(origin)
        return normalised is not None and normalised in self.allowed_origins

    def contact_for(self, language: str | None = None) -> Contact | None:
        return self.contact.for_language(language or self.default_language, self.default_language) \
            if self.contact else None

    def public(self) -> dict:
        """What any browser may see: no origins list (it would map the municipality's sites for nobody's benefit)."""
        return {"id": self.id, "name": self.name, "default_language": self.default_language, "accent": self.accent,
                "accent_text": text_colour_on(self.accent), "leave_url": self.leave_url, "position": self.position}

    def to_raw(self) -> dict:
        """The site's entry in the sites file's form: what the database stores and the export writes."""
        raw: dict = {"name": self.name, "allowed_origins": sorted(self.allowed_origins),
                     "default_language": self.default_language, "accent": self.accent, "position": self.position,
                     "leave_url": self.leave_url}
        if self.contact is not None:
            raw["contact"] = self.contact.to_raw()
        return raw


def _http_url(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise SitesError(f"{where} must be a URL string")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SitesError(f"{where} must be an http(s) URL, got {value!r}")
    return value.strip()


def _per_language(value: object, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"*": value.strip()} if value.strip() else {}
    if isinstance(value, dict):
        out = {}
        for lang, txt in value.items():
            code = normalise_code(str(lang))
            if code is None or not isinstance(txt, str):
                raise SitesError(f"{where}: {lang!r} is not a supported language code with a text")
            out[code] = txt.strip()
        return out
    raise SitesError(f"{where} must be a text, or a mapping from language code to text")


def _contact(raw: object, where: str) -> SiteContact:
    if not isinstance(raw, dict):
        raise SitesError(f"{where} must be a mapping with name, phone, url, hours")
    unknown = set(raw) - CONTACT_KEYS
    if unknown:
        raise SitesError(f"{where} has unknown keys {sorted(unknown)}; allowed: {sorted(CONTACT_KEYS)}")
    name = _per_language(raw.get("name", ""), f"{where}.name")
    if not name:
        raise SitesError(f"{where}.name is required")
    phones = {}
    for key in ("phone", "phone_abroad"):
        phone = str(raw.get(key) or "").strip()
        if phone and not re.fullmatch(r"\+?[0-9][0-9 \-()]{1,24}", phone):
            raise SitesError(f"{where}.{key} {phone!r} must be digits, spaces and dashes (e.g. 0583-810 00)")
        phones[key] = phone
    url = _http_url(raw["url"], f"{where}.url") if raw.get("url") else ""
    hours = _per_language(raw.get("hours") or "", f"{where}.hours")
    return SiteContact(name=name, url=url, hours=hours, **phones)


def parse_site(site_id: object, raw: object) -> Site:
    if not isinstance(site_id, str) or not SITE_ID.match(site_id):
        raise SitesError(f"site id {site_id!r} must be lower-case letters, digits and dashes (at most 64)")
    where = f"site {site_id!r}"
    if not isinstance(raw, dict):
        raise SitesError(f"{where} must be a mapping of settings")
    unknown = set(raw) - SITE_KEYS
    if unknown:
        raise SitesError(f"{where} has unknown keys {sorted(unknown)}; allowed: {sorted(SITE_KEYS)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise SitesError(f"{where}: name is required")
    origins = raw.get("allowed_origins") or []
    if not isinstance(origins, list):
        raise SitesError(f"{where}: allowed_origins must be a list like [https://www.kommun.se]")
    try:
        allowed = frozenset(normalise_origin(o) for o in origins)
    except SitesError as exc:
        raise SitesError(f"{where}: {exc}") from None
    language = normalise_code(str(raw.get("default_language") or "sv"))
    if language is None or language not in LANGUAGES:
        raise SitesError(f"{where}: default_language {raw.get('default_language')!r} is not one of {sorted(LANGUAGES)}")
    accent = str(raw.get("accent") or DEFAULT_ACCENT)
    if not HEX_COLOUR.match(accent):
        raise SitesError(f"{where}: accent {accent!r} must be a colour like #1f5f8b")
    position = str(raw.get("position") or "right")
    if position not in POSITIONS:
        raise SitesError(f"{where}: position must be one of {POSITIONS}")
    leave_url = _http_url(raw["leave_url"], f"{where}.leave_url") if raw.get("leave_url") else DEFAULT_LEAVE_URL
    contact = _contact(raw["contact"], f"{where}.contact") if raw.get("contact") else None
    return Site(id=site_id, name=name.strip(), allowed_origins=allowed, default_language=language,
                accent=accent.lower(), contact=contact, leave_url=leave_url, position=position)


def parse_sites(data: object, source: str = "sites file") -> dict[str, Site]:
    if not isinstance(data, dict) or not isinstance(data.get("sites"), dict):
        raise SitesError(f"{source}: expected a top-level 'sites:' mapping of site id to settings")
    try:
        return {site_id: parse_site(site_id, raw) for site_id, raw in data["sites"].items()}
    except SitesError as exc:
        raise SitesError(f"{source}: {exc}") from None


def load_sites(path: Path) -> dict[str, Site]:
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesError(f"sites file {path} does not exist (setting KALLA_SITES_FILE)") from None
    except yaml.YAMLError as exc:
        raise SitesError(f"sites file {path} is not valid YAML: {exc}") from None
    return parse_sites(data, str(path))
