from programmes.configuration.models import Programme


def programme_current() -> Programme | None:
    return Programme.objects.first()
