"""Public pages: the partner directory, a listed partner's page, the sitemap and robots.txt.
Nobody needs to sign in; nothing a partner did not publish is shown (see selectors.py)."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from programmes.configuration.selectors import programme_current
from programmes.core.i18n import current_tenant, translated
from programmes.directory import selectors
from programmes.directory.forms import DirectoryFilterForm
from programmes.directory.selectors import DirectoryQuery, FilterOptions, Order
from programmes.directory.sitemaps import SITEMAPS
from programmes.directory.sorting import collation_locale

META_DESCRIPTION_LENGTH = 155
# How long a cached directory page is kept. The keys carry the data's digest, so this only
# bounds how long a page made by an older release of the templates may still be served.
CACHE_SECONDS = 900


@dataclass(frozen=True)
class PageContext:
    """What every directory page needs besides its list (cached per data version)."""

    options: FilterOptions
    programme: str


def query_parameters(query: DirectoryQuery) -> dict[str, Any]:
    """The valid part of a directory query as GET parameters (what pagination links keep)."""
    parameters: dict[str, Any] = {}
    if query.text:
        parameters["q"] = query.text
    if query.sector:
        parameters["sector"] = query.sector
    if query.tier:
        parameters["tier"] = query.tier
    if query.scheme:
        parameters["scheme"] = query.scheme
    if query.awarded:
        parameters["awarded"] = "on"
    if query.order != Order.NAME:
        parameters["order"] = query.order
    return parameters


def _page_url(parameters: dict[str, Any], number: int) -> str:
    values = {**parameters, **({"page": number} if number > 1 else {})}
    return reverse("directory") + (f"?{urlencode(values)}" if values else "")


def _programme_name() -> str:
    programme = programme_current()
    return translated(programme.name) if programme else ""


@dataclass(frozen=True)
class Listing:
    """The directory's search form, result count, list and page links as HTML, with what
    the rest of the page needs to know of them."""

    html: str
    count: int


def _cache_prefix(version: str) -> str:
    """``directory:<digest>:<language>:<locale>:<primary language>``: names, sector and
    tier labels, the alphabet and the fallback language all follow these. The tenant is in
    every key already (``django_tenants.cache.make_key``)."""
    tenant = current_tenant()
    primary = tenant.primary_language if tenant else ""
    return f"directory:{version}:{get_language()}:{collation_locale()}:{primary}"


def _page_context(prefix: str) -> PageContext:
    """The filter options and the programme's name, cached for the data's version."""
    key = f"{prefix}:context"
    context = cache.get(key)
    if context is None:
        context = PageContext(options=selectors.filter_options(), programme=_programme_name())
        cache.set(key, context, CACHE_SECONDS)
    return context


def _listing(form: DirectoryFilterForm, query: DirectoryQuery, number: int) -> Listing:
    """Searched, filtered, sorted and paginated; rendered without the request (nothing in it
    depends on who asks). 404 for a page beyond the last."""
    paginator = Paginator(selectors.directory_partners(query), selectors.PAGE_SIZE)
    if number > paginator.num_pages:
        raise Http404
    page = paginator.page(number)
    parameters = query_parameters(query)
    html = render_to_string(
        "directory/_listing.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "paginator": paginator,
            "items": [selectors.list_item(partner) for partner in page.object_list],
            "previous_url": _page_url(parameters, number - 1) if page.has_previous() else "",
            "next_url": _page_url(parameters, number + 1) if page.has_next() else "",
            "page_links": [
                (candidate, _page_url(parameters, candidate))
                for candidate in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
            ],
        },
    )
    return Listing(html=html, count=paginator.count)


def directory(request: HttpRequest) -> HttpResponse:
    """Every listed partner, searched, filtered and sorted by name in the alphabet of the
    page's language, 50 a page. A bad filter value is left out and named (400).

    Pages without a search word are cached per tenant, language, filters and page, under
    the digest of the data they show (``selectors.directory_version``): a cached page takes
    one query, and any change to what it shows makes new keys at once. Searches and bad
    values (400) are not cached."""
    prefix = _cache_prefix(selectors.directory_version())
    page_context = _page_context(prefix)
    form = DirectoryFilterForm(request.GET, options=page_context.options)
    query = form.directory_query()
    number = form.page_number()
    key = None
    if not form.errors and not query.text:
        key = f"{prefix}:list:{query.sector}:{query.tier}:{query.scheme}:{query.awarded}"
        key += f":{query.order}:{number}"
    listing = cache.get(key) if key else None
    if listing is None and key:
        # What is cached depends on the key only: the form shows the query as the key
        # holds it (``tier=01`` and ``tier=1`` are one key, one page).
        canonical = {**query_parameters(query), "page": number}
        shown = DirectoryFilterForm(canonical, options=page_context.options)
        listing = _listing(shown, query, number)
        cache.set(key, listing, CACHE_SECONDS)
    elif listing is None:
        listing = _listing(form, query, number)
    programme_name = page_context.programme
    title = _("Partner directory")
    if number > 1:
        title = _("Partner directory, page %(number)s") % {"number": number}
    description = ngettext(
        "The climate partners of %(programme)s: %(count)s organisation working on its "
        "climate goals.",
        "The climate partners of %(programme)s: %(count)s organisations working on their "
        "climate goals.",
        listing.count,
    ) % {"programme": programme_name or request.tenant.name, "count": listing.count}
    context = {
        "listing": mark_safe(listing.html),  # noqa: S308 (rendered by our template)
        "programme_name": programme_name,
        "page_title": title,
        "meta_description": description,
        "canonical_url": request.build_absolute_uri(
            _page_url({}, number) if not query.is_filtered else reverse("directory")
        ),
        # Searches and filters make endless combinations: crawlers follow, never index them.
        "noindex": query.is_filtered or bool(form.errors),
    }
    return render(request, "directory/directory.html", context, status=400 if form.errors else 200)


def partner_short(request: HttpRequest, pk: int) -> HttpResponse:
    """``/directory/<id>/``: to the partner's page with its name in the address."""
    partner = selectors.get_public_partner(pk)
    return redirect("directory-partner", pk=partner.pk, slug=selectors.partner_slug(partner.name))


def partner_page(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """A listed partner's page: exactly what it published. 404 for any other partner; a
    wrong name in the address moves permanently to the right one."""
    partner = selectors.get_public_partner(pk)
    profile = selectors.partner_profile(partner)
    if slug != profile.slug:
        return redirect("directory-partner", pk=partner.pk, slug=profile.slug, permanent=True)
    programme_name = _programme_name() or request.tenant.name
    if profile.description:
        description = Truncator(" ".join(profile.description.split())).chars(
            META_DESCRIPTION_LENGTH
        )
    else:
        description = _("%(name)s is a climate partner of %(programme)s.") % {
            "name": partner.name,
            "programme": programme_name,
        }
    return render(
        request,
        "directory/partner.html",
        {
            "profile": profile,
            "partner": partner,
            "programme_name": programme_name,
            "meta_description": description,
            "canonical_url": request.build_absolute_uri(request.path),
        },
    )


@cache_control(max_age=3600)
def sitemap(request: HttpRequest) -> HttpResponse:
    """``/sitemap.xml``: the public pages and every listed partner's page."""
    return sitemap_view(request, sitemaps=SITEMAPS)


@cache_control(max_age=3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """``/robots.txt``: the public pages may be crawled, the rest is for people signed in;
    points at the sitemap."""
    return render(
        request,
        "directory/robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
