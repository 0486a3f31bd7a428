"""The people page of a municipality's admins (/manage/people/)."""

from django.urls import path

from programmes.people import views

urlpatterns = [
    path("", views.people_manage, name="people-manage"),
    path("<int:pk>/access/", views.person_access, name="person-access"),
]
