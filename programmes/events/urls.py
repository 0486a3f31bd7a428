"""Mounted by saas/urls_tenant.py at "": every path is written out in full."""

from django.urls import path

from programmes.events import views

urlpatterns = [
    path("events/", views.event_list, name="events"),
    path("events/participation/", views.participation, name="events-participation"),
    path("events/manage/new/", views.event_edit, name="event-new"),
    path("events/manage/<int:pk>/", views.event_edit, name="event-edit"),
    path("events/manage/<int:pk>/cancel/", views.event_cancel, name="event-cancel"),
    path("events/manage/<int:pk>/attendance/", views.event_attendance, name="event-attendance"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("events/<int:pk>/register/", views.event_register, name="event-register"),
    path(
        "events/registrations/<int:pk>/cancel/",
        views.registration_cancel,
        name="event-registration-cancel",
    ),
    path("my-partnership/events/", views.my_events, name="my-events"),
    path(
        "my-partnership/events/calendar-link/",
        views.my_calendar_link,
        name="my-calendar-link",
    ),
    path("calendar.ics", views.calendar_feed, name="calendar-feed"),
    path("calendar/<str:secret>.ics", views.calendar_personal, name="calendar-personal"),
]
