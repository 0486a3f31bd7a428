from django.urls import path

from programmes.dashboards import views

staff_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "<slug:section>.csv", views.dashboard_download, {"extension": "csv"}, name="dashboard-csv"
    ),
    path(
        "<slug:section>.xlsx",
        views.dashboard_download,
        {"extension": "xlsx"},
        name="dashboard-xlsx",
    ),
]

public_urlpatterns = [
    path("", views.public_figures, name="figures"),
    path("<slug:section>.csv", views.public_download, {"extension": "csv"}, name="figures-csv"),
    path("<slug:section>.xlsx", views.public_download, {"extension": "xlsx"}, name="figures-xlsx"),
]
