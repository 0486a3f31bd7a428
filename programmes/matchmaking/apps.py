from django.apps import AppConfig


class MatchmakingConfig(AppConfig):
    name = "programmes.matchmaking"
    verbose_name = "Matchmaking"
