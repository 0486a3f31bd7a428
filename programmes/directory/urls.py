"""Mounted by saas/urls_tenant.py at "": every path here is full."""

urlpatterns: list = []
