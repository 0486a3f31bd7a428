"""Mounted by saas/urls_tenant.py: ``urlpatterns`` under the prefix given there."""

urlpatterns: list = []
