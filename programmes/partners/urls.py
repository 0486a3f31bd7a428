from django.urls import path

from programmes.partners import views

urlpatterns = [
    path("", views.workspace, name="partner-workspace"),
    path("<int:pk>/", views.partner_detail, name="workspace-partner"),
]
