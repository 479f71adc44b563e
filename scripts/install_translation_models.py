#!/usr/bin/env python
"""Install the argos translation packages Källa needs for its configured languages.

For every language X it looks for Swedish→X and X→Swedish, directly or through English
(sv→en + en→X), in local .argosmodel files (--from DIR) or, on a machine with internet, in the
argos package index. It prints what it installed, what was already there and what is missing.
The service itself never downloads anything (docs/translation.md).

    python scripts/install_translation_models.py                        # internet, KALLA_TRANSLATION_LANGUAGES
    python scripts/install_translation_models.py --languages ar,fa,uk
    python scripts/install_translation_models.py --from /media/usb/argos  # offline, from files
"""
from __future__ import annotations

import argparse
import json
import socket
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import Settings  # noqa: E402
from app.i18n.languages import LANGUAGES  # noqa: E402
from app.translate.argos import PIVOT, argos_code, argos_modules  # noqa: E402
from app.translate.factory import parse_languages  # noqa: E402


@dataclass
class Offer:
    """One package that could be installed: a local file or an entry of the online index."""
    from_code: str
    to_code: str
    version: str
    origin: str             # file path or "index"
    package: object = None  # argostranslate AvailablePackage for the index


def offers_from_files(folder: Path) -> list[Offer]:
    offers = []
    for path in sorted(folder.glob("*.argosmodel")):
        try:
            with zipfile.ZipFile(path) as z:
                name = next(n for n in z.namelist() if n.count("/") == 1 and n.endswith("/metadata.json"))
                meta = json.loads(z.read(name))
        except (zipfile.BadZipFile, StopIteration, ValueError, KeyError) as exc:
            print(f"  skipped {path.name}: not an argos package ({type(exc).__name__})")
            continue
        if meta.get("type", "translate") == "translate" and meta.get("from_code") and meta.get("to_code"):
            offers.append(Offer(meta["from_code"], meta["to_code"], str(meta.get("package_version", "")), str(path)))
    return offers


def offers_from_index(argos) -> list[Offer] | None:
    """Packages in the online index, or None when it cannot be reached."""
    argos.package.update_package_index()
    if not Path(argos.settings.local_package_index).exists():
        return None
    return [Offer(p.from_code, p.to_code, str(p.package_version), "index", p)
            for p in argos.package.get_available_packages() if p.type == "translate"]


def plan(languages: list[str], source: str, installed: set[tuple[str, str]],
         offered: dict[tuple[str, str], Offer]) -> tuple[set[tuple[str, str]], list[str]]:
    """The pairs to install so every language has both directions, and what stays missing."""
    have = installed | set(offered)
    wanted: set[tuple[str, str]] = set()
    missing = []
    for lang in languages:
        for a, b in ((source, lang), (lang, source)):
            s, t = argos_code(a), argos_code(b)
            if s == t:
                continue
            if (s, t) in have:
                wanted.add((s, t))
            elif PIVOT not in (s, t) and (s, PIVOT) in have and (PIVOT, t) in have:
                wanted.update({(s, PIVOT), (PIVOT, t)})
            else:
                missing.append(f"{a}→{b}")
    return wanted - installed, missing


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--languages", default=settings.translation_languages,
                    help="comma-separated codes (default KALLA_TRANSLATION_LANGUAGES, else every supported language)")
    ap.add_argument("--from", dest="from_dir", type=Path, help="install from the .argosmodel files in this folder")
    ap.add_argument("--models-dir", default=settings.translation_models_dir,
                    help="where to install (default KALLA_TRANSLATION_MODELS_DIR, else argostranslate's folder)")
    ap.add_argument("--source", default="sv", help="language of the corpus (default sv)")
    ap.add_argument("--dry-run", action="store_true", help="only print what would be installed")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a language has no model")
    args = ap.parse_args(argv)

    languages = parse_languages(args.languages) or [c for c in LANGUAGES if c != args.source]
    argos = argos_modules(Path(args.models_dir) if args.models_dir else None)
    print(f"models folder: {argos.settings.package_data_dir}")
    installed = {(p.from_code, p.to_code) for p in argos.package.get_installed_packages() if p.type == "translate"}

    if args.from_dir:
        offers = offers_from_files(args.from_dir)
        print(f"{len(offers)} packages in {args.from_dir}")
    else:
        socket.setdefaulttimeout(60)   # argos opens URLs without a timeout
        offers = offers_from_index(argos)
        if offers is None:
            print("the argos package index cannot be reached: no internet here? "
                  "Copy the .argosmodel files and use --from DIR.")
            offers = []
        else:
            print(f"{len(offers)} packages in the argos index")
    offered: dict[tuple[str, str], Offer] = {}
    for offer in offers:   # the newest version of each pair
        key = (offer.from_code, offer.to_code)
        if key not in offered or _version(offer.version) > _version(offered[key].version):
            offered[key] = offer

    to_install, missing = plan(languages, args.source, installed, offered)
    done, failed = [], []
    for pair in sorted(to_install):
        offer = offered[pair]
        origin = "index" if offer.package is not None else Path(offer.origin).name
        label = f"{pair[0]}→{pair[1]} {offer.version} ({origin})"
        if args.dry_run:
            print(f"  would install {label}")
            continue
        try:
            path = Path(offer.origin) if offer.package is None else offer.package.download()
            argos.package.install_from_path(path)
            if offer.package is not None:
                path.unlink(missing_ok=True)      # the download, now unpacked
        except Exception as exc:  # noqa: BLE001 - report it and go on with the other pairs
            failed.append(f"{pair[0]}→{pair[1]}")
            print(f"  FAILED {label}: {exc}")
            continue
        done.append(label)
        print(f"  installed {label}")
    present = sorted(installed)
    print(f"installed now: {len(done)}; already there: "
          f"{', '.join(f'{a}→{b}' for a, b in present) or 'none'}")
    print(f"missing (answers keep the Swedish quote with translation_unavailable): {', '.join(missing) or 'none'}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed or (args.strict and missing) else 0


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


if __name__ == "__main__":
    raise SystemExit(main())
