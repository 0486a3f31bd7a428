from django.urls import path

from programmes.followups import views

urlpatterns = [
    path("", views.overview, name="follow-ups"),
    path("<int:pk>/", views.follow_up_detail, name="follow-up"),
]
