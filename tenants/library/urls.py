"""Mounted by saas/urls_public.py at "": every path here is full."""

urlpatterns: list = []
