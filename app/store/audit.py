"""The audit trail: one row per staff action, written in the caller's transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from app.store.staff_models import AuditEvent


def audit(db: Session, action: str, *, user_id: int | None = None, actor: str = "", target: str = "",
          detail: dict | None = None) -> None:
    """Never put a resident's words in `detail`: ids, filters, counts and verdicts only."""
    db.add(AuditEvent(user_id=user_id, actor=actor[:254], action=action[:64], target=str(target)[:200],
                      detail=detail or {}))
