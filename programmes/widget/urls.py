"""Mounted by saas/urls_tenant.py at "": every path here is full."""

from django.urls import path

from programmes.widget import views

urlpatterns = [
    path("manage/widget/", views.manage, name="widget-manage"),
    path("widget/embed.js", views.embed_js, name="widget-embed-js"),
    path("widget/frame/", views.frame, name="widget-frame"),
]
