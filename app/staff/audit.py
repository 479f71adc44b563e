"""The audit trail (app/store/audit.py), under the name the staff console has always imported."""
from app.store.audit import audit

__all__ = ["audit"]
