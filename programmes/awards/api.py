"""API routes, registered by saas/urls_tenant.py from ``API_ROUTES``: (prefix, viewset,
basename)."""

API_ROUTES: list = []
