from django.conf import settings
from django.http import HttpRequest

from tenants.models import Language


def tenant(request: HttpRequest) -> dict[str, object]:
    current = getattr(request, "tenant", None)
    codes = current.languages if current else [code for code, _ in settings.LANGUAGES]
    names = dict(Language.choices)
    return {
        "tenant": current,
        "site_languages": [(code, names[code]) for code in codes],
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
