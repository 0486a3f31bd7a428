"""API of this app. Registered by saas/urls_tenant.py from ``API_ROUTES``."""

from typing import Any

API_ROUTES: list[tuple[str, Any, str]] = []
