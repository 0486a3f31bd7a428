"""Mounted by saas/urls_tenant.py at "": every path here is full."""

from django.urls import path

from programmes.directory import views

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/<int:pk>/", views.partner_short, name="directory-partner-short"),
    path("directory/<int:pk>/<str:slug>/", views.partner_page, name="directory-partner"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
