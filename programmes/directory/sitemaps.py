"""The tenant's sitemap (django.contrib.sitemaps): its public pages and the pages of its
listed partners, with absolute addresses on the request's host (the sitemap view uses
``RequestSite`` because ``django.contrib.sites`` is not installed)."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from programmes.configuration.selectors import programme_current
from programmes.directory import selectors
from programmes.partners.models import Partner


class PublicPagesSitemap(Sitemap):
    """Home, directory, awards, and the figures when the programme publishes some."""

    changefreq = "weekly"

    def items(self) -> list[str]:
        names = ["home", "directory", "awards"]
        programme = programme_current()
        if programme is not None and programme.public_figures:
            names.append("figures")
        return names

    def location(self, item: str) -> str:
        return reverse(item)

    def priority(self, item: str) -> float:
        return 1.0 if item == "home" else 0.8


class PartnerSitemap(Sitemap):
    """Every listed partner's page (never one that is not listed)."""

    changefreq = "monthly"
    priority = 0.6

    def items(self) -> Any:
        return selectors.sitemap_partners()

    def location(self, item: Partner) -> str:
        return reverse(
            "directory-partner", kwargs={"pk": item.pk, "slug": selectors.partner_slug(item.name)}
        )


SITEMAPS = {"pages": PublicPagesSitemap, "partners": PartnerSitemap}
