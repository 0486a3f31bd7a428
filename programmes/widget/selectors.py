"""Reading the widget: its settings, the origins that may embed it, and the public data it
shows (built only from ``partners.selectors.public_partners`` and ``publishes``).

Caching (keys carry the tenant's schema through django-tenants' ``make_key``):

- ``widget:origins``: the listed origins, for the CORS check and the frame's
  ``frame-ancestors``; kept ``ORIGINS_CACHE_SECONDS`` and deleted when the settings change.
- ``widget:data:<language>``: the payload of the data endpoint and the frame, kept
  ``DATA_CACHE_SECONDS`` (5 minutes): a partner who publishes or hides itself, or a new
  award winner, shows in the widget within 5 minutes. Deleted when the settings change.
  Links in it are paths; the views make them absolute for the host that was asked.
"""

from typing import Any, TypedDict

import icu
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.awards.selectors import announced_rounds
from programmes.configuration.selectors import programme_current
from programmes.core.i18n import current_tenant, format_number, formatting_locale, translated
from programmes.partners.models import Partner, Publication
from programmes.partners.selectors import public_partners, publishes
from programmes.people.models import Role
from programmes.widget.models import WidgetSettings
from programmes.widget.origins import origin_of_header

DATA_CACHE_SECONDS = 300
ORIGINS_CACHE_SECONDS = 3600
ORIGINS_KEY = "widget:origins"
SHOWABLE = ("count", "partners", "winners")


def data_key(language: str) -> str:
    return f"widget:data:{language}"


def may_view_settings(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role in (Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_STAFF)
    )


def may_edit_settings(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role == Role.MUNICIPAL_ADMIN)


def widget_settings() -> WidgetSettings:
    """The tenant's settings; the defaults (unsaved) until an admin saves them."""
    return WidgetSettings.objects.first() or WidgetSettings()


def allowed_origins() -> list[str]:
    """The origins this tenant's admin listed (cached; none on the platform host)."""
    if current_tenant() is None:
        return []
    origins = cache.get(ORIGINS_KEY)
    if origins is None:
        origins = list(
            WidgetSettings.objects.values_list("allowed_origins", flat=True).first() or []
        )
        cache.set(ORIGINS_KEY, origins, ORIGINS_CACHE_SECONDS)
    return origins


def origin_allowed(origin: str) -> bool:
    """Whether a browser's ``Origin`` header is one the admin listed (exact match)."""
    return bool(origin) and origin_of_header(origin) in allowed_origins()


def language_for(requested: str | None) -> str:
    """``requested`` if the tenant offers it, else its primary language."""
    tenant = current_tenant()
    if tenant is None:
        return "en"
    code = (requested or "").strip().lower().split("-")[0]
    code = "nb" if code == "no" else code
    return code if code in tenant.languages else tenant.primary_language


def forget_cached() -> None:
    """Drop the cached origins and payloads (every language) of the current tenant."""
    tenant = current_tenant()
    languages = tenant.languages if tenant else []
    cache.delete_many([ORIGINS_KEY, *(data_key(code) for code in languages)])


_TO_ASCII = icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def partner_path(partner: Partner) -> str:
    """The partner's public page in the directory (``/directory/<pk>/<slug>/``): the name in
    ASCII (``Ærø Æbler`` → ``aero-aebler``), as the directory spells it (it redirects any
    other spelling to its own)."""
    slug = slugify(_TO_ASCII.transliterate(partner.name))[:80].strip("-") or "partner"
    return f"/directory/{partner.pk}/{slug}/"


class PartnerItem(TypedDict):
    name: str
    url: str
    logo: str | None


class WinnerItem(TypedDict):
    award: str
    period: str
    label: str  # "<award> <period>" as the language writes it
    year: int
    partner: str
    url: str


def _sort_key(locale: str) -> Any:
    collator = icu.Collator.createInstance(icu.Locale(locale))
    return lambda partner: (collator.getSortKey(partner.name), partner.pk)


def _build(language: str) -> dict[str, Any]:
    """The payload in ``language``: four queries whatever the number of partners."""
    options = widget_settings()
    programme = programme_current()
    locale = formatting_locale(language=language)
    partners = sorted(
        public_partners().only("pk", "name", "logo", "public_fields"), key=_sort_key(locale)
    )
    award_winners = public_partners().filter(public_fields__contains=[Publication.AWARDS])
    rounds = (
        announced_rounds()
        .filter(winner__nominee__in=award_winners)
        .select_related("winner__nominee")
        .order_by("-announced_at", "-year", "-month", "pk")[: options.winners_count]
    )
    count = len(partners)
    winners: list[WinnerItem] = []
    for award_round in rounds:
        nominee = award_round.winner.nominee
        if not publishes(nominee, Publication.AWARDS):
            continue
        award, period = translated(award_round.category.name, language), award_round.period_label()
        winners.append(
            {
                "award": award,
                "period": period,
                "label": _("%(award)s %(period)s") % {"award": award, "period": period},
                "year": award_round.year,
                "partner": nominee.name,
                "url": partner_path(nominee),
            }
        )
    items: list[PartnerItem] = [
        {
            "name": partner.name,
            "url": partner_path(partner),
            "logo": (
                f"/partner-logos/{partner.pk}/"
                if partner.logo and publishes(partner, Publication.LOGO)
                else None
            ),
        }
        for partner in partners
    ]
    name = translated(programme.name, language) if programme else ""
    return {
        "language": language,
        "programme": {"name": name, "url": "/"},
        "directory_url": "/directory/",
        "partner_count": count,
        "partners": items,
        "winners": winners,
        "show": options.shown,
        "texts": {
            "heading": _("Partners of %(programme)s") % {"programme": name}
            if name
            else _("Our climate partners"),
            "count": ngettext("%(count)s partner", "%(count)s partners", count)
            % {"count": format_number(count)},
            "partners": _("Partners"),
            "winners": _("Latest award winners"),
            "no_partners": _("No partners are listed yet."),
            "all_partners": _("See all partners"),
        },
    }


def widget_data(language: str) -> dict[str, Any]:
    """The widget's public payload in ``language`` (one of the tenant's), cached for
    ``DATA_CACHE_SECONDS``. Links are paths on the tenant's host."""
    assert connection.schema_name, "no schema"
    key = data_key(language)
    payload = cache.get(key)
    if payload is None:
        with translation.override(language):
            payload = _build(language)
        cache.set(key, payload, DATA_CACHE_SECONDS)
    return payload


def with_absolute_links(payload: dict[str, Any], base: str) -> dict[str, Any]:
    """A copy of ``payload`` whose links start with ``base`` (``https://host``)."""
    return {
        **payload,
        "programme": {**payload["programme"], "url": base + payload["programme"]["url"]},
        "directory_url": base + payload["directory_url"],
        "partners": [
            {
                **item,
                "url": base + item["url"],
                "logo": base + item["logo"] if item["logo"] else None,
            }
            for item in payload["partners"]
        ],
        "winners": [{**item, "url": base + item["url"]} for item in payload["winners"]],
    }
