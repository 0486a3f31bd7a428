"""Mounted by saas/urls_tenant.py at "": every path here is full."""

from django.urls import path

from programmes.symbols import views

urlpatterns = [
    path("my-partnership/symbol/", views.my_symbol, name="my-symbol"),
    path("my-partnership/symbol.svg", views.my_symbol_svg, name="my-symbol-svg"),
    path("my-partnership/symbol-web.png", views.my_symbol_png_web, name="my-symbol-png-web"),
    path("my-partnership/symbol-print.png", views.my_symbol_png_print, name="my-symbol-png-print"),
    path("my-partnership/symbol-qr.svg", views.my_symbol_qr, name="my-symbol-qr"),
    path("verify/<str:code>/", views.verify, name="symbol-verify"),
    path("partners/<int:pk>/symbol/", views.partner_symbol_staff, name="workspace-partner-symbol"),
]
