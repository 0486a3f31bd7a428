"""The climate pages, by their full paths: included at the root of the tenant's URLs (before
the partners' workspace, whose paths they share the start of)."""

from django.urls import path

from programmes.climate import views

urlpatterns = [
    # The partner's own pages.
    path("my-partnership/climate/", views.my_climate, name="my-climate"),
    path("my-partnership/climate/new/", views.my_account, name="my-climate-new"),
    path("my-partnership/climate/<int:year>/", views.my_account, name="my-climate-account"),
    path("my-partnership/climate/import/", views.my_import, name="my-climate-import"),
    path(
        "my-partnership/climate/import/template.xlsx",
        views.my_template_xlsx,
        name="my-climate-template-xlsx",
    ),
    path(
        "my-partnership/climate/import/template.csv",
        views.my_template_csv,
        name="my-climate-template-csv",
    ),
    # Staff: many partners at once, and one partner's accounts in the workspace.
    path("partners/climate-import/", views.staff_import, name="climate-import"),
    path(
        "partners/climate-import/template.xlsx",
        views.staff_template_xlsx,
        name="climate-import-template-xlsx",
    ),
    path(
        "partners/climate-import/template.csv",
        views.staff_template_csv,
        name="climate-import-template-csv",
    ),
    path("partners/<int:pk>/climate/", views.partner_climate, name="workspace-climate"),
    path("partners/<int:pk>/climate/new/", views.partner_account, name="workspace-climate-new"),
    path(
        "partners/<int:pk>/climate/<int:year>/",
        views.partner_account,
        name="workspace-climate-account",
    ),
]
