"""The widget's settings for the demo tenants: each lists its (fictional) municipal website
and ``http://localhost:8080``, so the embed code can be tried from a page served locally
(``python -m http.server 8080``). Idempotent: nothing changes once the tenant has settings."""

from programmes.widget import services
from programmes.widget.models import WidgetSettings

DEMO_ORIGINS = {
    "hjorring": ["https://hjoring.dk", "https://www.hjoring.dk"],
    "porvoo": ["https://www.porvoo.fi"],
    "ostfold": ["https://www.ostfoldfk.no"],
    "klimatkommunerna": ["https://www.klimatkommunerna.se"],
}
LOCAL_PAGE = "http://localhost:8080"


def demo_widget_create(*, slug: str) -> WidgetSettings | None:
    """Call inside the tenant's context (load_demo). Returns the settings it made."""
    if WidgetSettings.objects.exists():
        return None
    return services.widget_settings_save(
        actor=None,
        allowed_origins=[*DEMO_ORIGINS.get(slug, []), LOCAL_PAGE],
        show_partners=True,
        show_count=True,
        show_winners=True,
        winners_count=3,
    )
