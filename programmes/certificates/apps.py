from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "programmes.certificates"
    verbose_name = "Environmental certificates"
