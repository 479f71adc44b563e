"""Offline machine translation with argostranslate: a direct model, or a pivot through English.

argostranslate is an optional extra (`pip install '.[translate]'`). This module imports it only on
first use, so a service without translation never loads it. Nothing is downloaded at run time:
models are installed beforehand by scripts/install_translation_models.py (see docs/translation.md).
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace

from app.translate.protocol import TranslationFailed, TranslationUnavailable

log = logging.getLogger("kalla.translate")

PIVOT = "en"
# Källa codes that argos publishes under another code. Dari is written Persian: the fa models serve it.
ARGOS_CODES = {"prs": "fa"}


def argos_code(code: str) -> str:
    return ARGOS_CODES.get(code, code)


# --- importing argostranslate safely -------------------------------------------------------------

_import_lock = threading.RLock()
_argos: SimpleNamespace | None = None


def argos_modules(models_dir: Path | None = None) -> SimpleNamespace:
    """argostranslate's `settings` and `package` modules, imported once and made offline-safe.

    With ARGOS_CHUNK_TYPE=SPACY (our default) importing `argostranslate.sbd` calls
    `networking.cache_spacy()`, which downloads spaCy's xx_sent_ud_sm when it is not cached. We
    replace that function before the import with one that never touches the network.
    """
    global _argos
    with _import_lock:
        if _argos is None:
            os.environ.setdefault("ARGOS_CHUNK_TYPE", "SPACY")
            # CTranslate2's default thread pool oversubscribes a small host shared with the embedder, and
            # its spinning threads then slow translation by two orders of magnitude (docs/translation.md).
            os.environ.setdefault("ARGOS_INTRA_THREADS", "1")
            from argostranslate import networking, settings

            networking.cache_spacy = _offline_sentencizer
            from argostranslate import package

            if not settings.debug:   # argos logs every input sentence at INFO
                logging.getLogger("argostranslate").setLevel(logging.WARNING)
                logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
            _argos = SimpleNamespace(settings=settings, package=package, translate=None)
        if models_dir is not None:
            use_models_dir(models_dir)
        return _argos


def argos_translate_module():
    """`argostranslate.translate` (slow: imports stanza and torch), imported once."""
    argos = argos_modules()
    with _import_lock:
        if argos.translate is None:
            from argostranslate import sbd, translate

            if argos.settings.chunk_type == argos.settings.ChunkType.SPACY and sbd._cached_spacy_path is None:
                sbd._cached_spacy_path = _offline_sentencizer()   # sbd was imported before our patch
            argos.translate = translate
        return argos.translate


def use_models_dir(models_dir: Path) -> None:
    """Read and install argos packages in `models_dir` (process-wide, like argos's own setting)."""
    from argostranslate import settings

    path = Path(models_dir).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    settings.package_data_dir = path
    settings.package_dirs = [path]


def _offline_sentencizer() -> Path:
    """Stand-in for `argostranslate.networking.cache_spacy` that never downloads.

    Uses argos's cached xx_sent_ud_sm when an earlier online run left one, else a rule-based
    multilingual spaCy pipeline (argos adds spaCy's punctuation sentencizer to it). Only packages
    without their own `spacy/` model use this.
    """
    from argostranslate import settings

    cached = Path(settings.cache_dir) / "spacy"
    if (cached / "senter" / "model").exists():
        return cached
    path = Path(settings.cache_dir) / "kalla-sentencizer-xx"
    if not (path / "config.cfg").exists():
        import spacy

        tmp = Path(tempfile.mkdtemp(dir=settings.cache_dir, prefix=".sentencizer-"))
        spacy.blank("xx").to_disk(tmp)
        try:
            tmp.rename(path)
        except OSError:          # another process made it first
            shutil.rmtree(tmp, ignore_errors=True)
    return path


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


# --- the translator ------------------------------------------------------------------------------

class ArgosTranslator:
    """Translator backed by installed argos packages; thread-safe, with an LRU cache per model step.

    `languages` limits the targets (Källa codes; empty = every installed one). A pivot answer is
    cached step by step, so the Swedish→English half is shared by every target language.
    """

    name = "argos"

    def __init__(self, languages: Iterable[str] = (), cache_size: int = 2048, models_dir: Path | str | None = None):
        self.languages = frozenset(languages)
        self.cache_size = max(0, int(cache_size))
        self.models_dir = Path(models_dir) if models_dir else None
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, str, str, str], str] = OrderedDict()
        self._packages: dict[tuple[str, str], object] | None = None
        self._models: dict[tuple[str, str], tuple[object, threading.Lock]] = {}
        self.hits = 0
        self.misses = 0

    # which pairs exist
    def installed_pairs(self) -> set[tuple[str, str]]:
        """(from, to) argos codes of the installed translation packages."""
        return set(self._installed())

    def refresh(self) -> None:
        """Forget the scanned packages and loaded models (after installing or removing packages)."""
        with self._lock:
            self._packages = None
            self._models.clear()

    def route(self, source: str, target: str) -> list[tuple[str, str]] | None:
        """Model steps from source to target: [] same language, [(s, t)] direct, two steps via English."""
        s, t = argos_code(source), argos_code(target)
        if s == t:
            return []
        if self.languages and target not in self.languages:
            return None
        pairs = self._installed()
        if (s, t) in pairs:
            return [(s, t)]
        if PIVOT not in (s, t) and (s, PIVOT) in pairs and (PIVOT, t) in pairs:
            return [(s, PIVOT), (PIVOT, t)]
        return None

    def can_translate(self, source: str, target: str) -> bool:
        return self.route(source, target) is not None

    # translating
    def translate(self, text: str, source: str, target: str, cache_key: str | None = None) -> str:
        if not text.strip():
            return text
        steps = self.route(source, target)
        if steps is None:
            raise TranslationUnavailable(
                f"no translation model for {source}→{target} (neither direct nor through {PIVOT}); "
                f"install one with scripts/install_translation_models.py")
        out = text
        for pair in steps:
            out = self._step(pair, out, cache_key or "")
        return out

    def _step(self, pair: tuple[str, str], text: str, cache_key: str) -> str:
        key = (pair[0], pair[1], cache_key, _digest(text))
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return hit
            self.misses += 1
        model, model_lock = self._model(pair)
        try:
            with model_lock:       # argos objects load lazily and are not safe to share mid-call
                out = model.translate(text)
        except Exception as exc:  # noqa: BLE001 - any model failure becomes one clear error
            raise TranslationFailed(f"{pair[0]}→{pair[1]} model failed: {type(exc).__name__}: {exc}") from exc
        out = (out or "").strip()
        if not out:
            raise TranslationFailed(f"{pair[0]}→{pair[1]} model returned nothing")
        if self.cache_size:
            with self._lock:
                self._cache[key] = out
                self._cache.move_to_end(key)
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        return out

    def cache_info(self) -> dict[str, int]:
        with self._lock:
            return {"hits": self.hits, "misses": self.misses, "size": len(self._cache), "max_size": self.cache_size}

    def warm_up(self) -> None:
        """Import argostranslate's translation code now (several seconds) instead of in a resident's answer."""
        argos_translate_module()

    # loading
    def _installed(self) -> dict[tuple[str, str], object]:
        with self._lock:
            if self._packages is None:
                argos = argos_modules(self.models_dir)
                packages = {}
                for pkg in argos.package.get_installed_packages():
                    if pkg.type == "translate" and pkg.from_code and pkg.to_code:
                        packages.setdefault((pkg.from_code, pkg.to_code), pkg)
                self._packages = packages
            return self._packages

    def _model(self, pair: tuple[str, str]) -> tuple[object, threading.Lock]:
        packages = self._installed()
        translate = argos_translate_module()
        with self._lock:
            if pair not in self._models:
                pkg = packages.get(pair)
                if pkg is None:     # removed since the route was chosen
                    raise TranslationUnavailable(f"no {pair[0]}→{pair[1]} package installed")
                try:
                    model = translate.PackageTranslation(translate.Language(pkg.from_code, pkg.from_name),
                                                         translate.Language(pkg.to_code, pkg.to_name), pkg)
                except Exception as exc:  # noqa: BLE001
                    raise TranslationFailed(f"cannot load the {pair[0]}→{pair[1]} package: {exc}") from exc
                self._models[pair] = (model, threading.Lock())
                log.info("translation model loaded: %s→%s (%s)", pair[0], pair[1], pkg.package_path.name)
            return self._models[pair]
