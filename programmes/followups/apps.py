from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "programmes.followups"
    verbose_name = "Annual follow-ups"
