"""Mounted by saas/urls_tenant.py at the root: staff pages under matchmaking/, the
partner's own under my-partnership/matchmaking/."""

from django.urls import path

from programmes.matchmaking import views

urlpatterns = [
    path("matchmaking/", views.overview, name="matchmaking-overview"),
    path("matchmaking/tags/", views.tags, name="matchmaking-tags"),
    path("matchmaking/tags/<int:pk>/", views.tag_edit, name="matchmaking-tag"),
    path("matchmaking/sessions/new/", views.session_edit, name="matchmaking-session-new"),
    path("matchmaking/sessions/<int:pk>/", views.session_detail, name="matchmaking-session"),
    path(
        "matchmaking/sessions/<int:pk>/edit/",
        views.session_edit,
        name="matchmaking-session-edit",
    ),
    path(
        "matchmaking/sessions/<int:pk>/compute/",
        views.session_compute,
        name="matchmaking-session-compute",
    ),
    path(
        "matchmaking/sessions/<int:pk>/send/", views.session_send, name="matchmaking-session-send"
    ),
    path(
        "matchmaking/sessions/<int:pk>/meetings/new/",
        views.meeting_add,
        name="matchmaking-meeting-add",
    ),
    path(
        "matchmaking/sessions/<int:pk>/partners/<int:partner_id>.pdf",
        views.partner_schedule_pdf,
        name="matchmaking-partner-pdf",
    ),
    path("matchmaking/meetings/<int:pk>/", views.meeting_edit, name="matchmaking-meeting"),
    path("my-partnership/matchmaking/", views.my_matchmaking, name="my-matchmaking"),
    path(
        "my-partnership/matchmaking/sessions/<int:pk>/",
        views.my_schedule,
        name="my-matchmaking-schedule",
    ),
    path(
        "my-partnership/matchmaking/sessions/<int:pk>.pdf",
        views.my_schedule_pdf,
        name="my-matchmaking-schedule-pdf",
    ),
]
