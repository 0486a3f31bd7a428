"""Mounted by saas/urls_tenant.py at "": every path here is full."""

from django.urls import path

from programmes.awards import views

urlpatterns = [
    path("awards/", views.awards_home, name="awards"),
    path("awards/<int:pk>/nominate/", views.nominate, name="award-nominate"),
    path("awards/manage/", views.manage_rounds, name="awards-manage"),
    path("awards/manage/<int:pk>/", views.manage_round, name="awards-manage-round"),
    path(
        "awards/manage/nominations/<int:pk>/eligibility/",
        views.nomination_eligibility,
        name="awards-nomination-eligibility",
    ),
    path("awards/jury/", views.jury_home, name="awards-jury"),
    path("awards/jury/<int:pk>/", views.jury_round, name="awards-jury-round"),
    path("my-partnership/awards/", views.my_awards, name="my-awards"),
]
