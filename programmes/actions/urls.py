"""Mounted by saas/urls_tenant.py at "": every path here is full.

Staff pages live under ``actions/manage/`` (like ``awards/manage/``): ``manage/<slug>/`` is
the configuration's, which is mounted before this app and would take ``manage/actions/``."""

from django.urls import path

from programmes.actions import views

urlpatterns = [
    path("actions/manage/", views.manage_actions, name="actions-manage"),
    path("actions/manage/new/", views.action_create, name="actions-create"),
    path("actions/manage/<int:pk>/", views.action_detail, name="actions-detail"),
    path("actions/manage/<int:pk>/edit/", views.action_edit, name="actions-edit"),
    path("actions/manage/<int:pk>/archive/", views.action_archive, name="actions-archive"),
    path(
        "actions/manage/<int:pk>/pull-update/",
        views.action_pull_update,
        name="actions-pull-update",
    ),
    path("actions/manage/<int:pk>/publish/", views.action_publish, name="actions-publish"),
    path("actions/manage/<int:pk>/withdraw/", views.action_withdraw, name="actions-withdraw"),
    path("actions/manage/library/", views.library, name="actions-library"),
    path(
        "actions/manage/library/<uuid:uuid>/",
        views.library_detail,
        name="actions-library-detail",
    ),
    path(
        "actions/manage/library/<uuid:uuid>/copy/",
        views.library_copy,
        name="actions-library-copy",
    ),
    path("my-partnership/actions/", views.my_actions, name="my-actions"),
    path("my-partnership/actions/<int:pk>/goal/", views.my_action_goal, name="my-actions-goal"),
]
