"""The staff console: review what residents were told against the passages cited, see where Källa falls short.

`install(app)` is the only thing app.main needs: routes, static files, security headers, error pages.
"""
from app.staff.web import install

__all__ = ["install"]
