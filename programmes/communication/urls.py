"""Mounted at "" by saas/urls_tenant.py, so every path here is a full path: staff pages under
announcements/, the partner's under my-partnership/, and the unsubscribe link."""

from django.urls import path

from programmes.communication import views

urlpatterns = [
    path("announcements/", views.announcement_list, name="announcements"),
    path("announcements/new/", views.announcement_edit, name="announcement-new"),
    path("announcements/<int:pk>/", views.announcement_edit, name="announcement"),
    path("announcements/<int:pk>/send/", views.announcement_send, name="announcement-send"),
    path(
        "announcements/<int:pk>/unschedule/",
        views.announcement_unschedule,
        name="announcement-unschedule",
    ),
    path("announcements/<int:pk>/delete/", views.announcement_delete, name="announcement-delete"),
    path("my-partnership/inbox/", views.my_inbox, name="my-inbox"),
    path("my-partnership/inbox/<int:pk>/", views.my_inbox_item, name="my-inbox-item"),
    path("my-partnership/notifications/", views.my_notifications, name="my-notifications"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
