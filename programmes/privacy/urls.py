"""Mounted by saas/urls_tenant.py at "": every path here is full."""

from django.urls import path

from programmes.privacy import api, views

urlpatterns = [
    path("my-data/", views.my_data, name="my-data"),
    path("my-data/export.json", views.my_data_download, name="my-data-download"),
    # Under manage/privacy/ next to the privacy statements (configuration's manage-privacy).
    path("manage/privacy/retention/", views.retention, name="privacy-retention"),
    path("manage/privacy/erase/", views.erase, name="privacy-erase"),
    path("api/v1/me/data/", api.PersonalDataView.as_view(), name="api-my-data"),
    path(
        "api/v1/privacy/retention/", api.RetentionPolicyView.as_view(), name="api-privacy-retention"
    ),
    path("api/v1/privacy/erasures/", api.ErasureView.as_view(), name="api-privacy-erasures"),
]
