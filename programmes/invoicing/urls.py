"""Invoicing pages, in two groups that saas/urls_tenant.py mounts: staff (under invoicing/)
and the partner's own (under my-partnership/invoices/, before my-partnership/)."""

from django.urls import path

from programmes.invoicing import views

staff_urlpatterns = [
    path("", views.overview, name="invoicing-overview"),
    path("run/", views.run, name="invoicing-run"),
    path("settings/", views.invoicing_settings, name="invoicing-settings"),
    path("funding/", views.funding, name="invoicing-funding"),
    path("funding/income/<int:pk>/", views.other_income_edit, name="other-income-edit"),
    path("funding/income/<int:pk>/delete/", views.other_income_delete, name="other-income-delete"),
    path("payments-import/", views.payments_import_view, name="invoicing-payments-import"),
    path(
        "payments-import/template.csv",
        views.payments_import_template,
        name="invoicing-payments-template",
    ),
    path("export.csv", views.invoices_export, name="invoicing-export"),
    path("<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("<int:pk>/invoice.pdf", views.invoice_document, {"extension": "pdf"}, name="invoice-pdf"),
    path("<int:pk>/invoice.xml", views.invoice_document, {"extension": "xml"}, name="invoice-xml"),
]
partner_urlpatterns = [
    path("", views.my_invoices, name="my-invoices"),
    path("<int:pk>.pdf", views.my_invoice_document, {"extension": "pdf"}, name="my-invoice-pdf"),
    path("<int:pk>.xml", views.my_invoice_document, {"extension": "xml"}, name="my-invoice-xml"),
]
