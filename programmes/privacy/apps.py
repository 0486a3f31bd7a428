from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "programmes.privacy"
    verbose_name = "Privacy (GDPR)"
