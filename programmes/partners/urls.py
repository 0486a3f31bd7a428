from django.urls import path

from programmes.partners import views

urlpatterns = [
    path("", views.workspace, name="partner-workspace"),
    path("<int:pk>/", views.partner_detail, name="workspace-partner"),
    path(
        "<int:pk>/goals/<int:goal_pk>/comment/",
        views.goal_comment_view,
        name="workspace-goal-comment",
    ),
]
