"""Public pages: the partner directory, a listed partner's page, the sitemap and robots.txt.
Nobody needs to sign in; nothing a partner did not publish is shown (see selectors.py)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control

from programmes.configuration.selectors import programme_current
from programmes.core.i18n import translated
from programmes.directory import selectors
from programmes.directory.forms import DirectoryFilterForm
from programmes.directory.selectors import DirectoryQuery, Order
from programmes.directory.sitemaps import SITEMAPS

META_DESCRIPTION_LENGTH = 155


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


def directory(request: HttpRequest) -> HttpResponse:
    """Every listed partner, searched, filtered and sorted by name in the alphabet of the
    page's language, 50 a page. A bad filter value is left out and named (400)."""
    form = DirectoryFilterForm(request.GET, options=selectors.filter_options())
    query = form.directory_query()
    paginator = Paginator(selectors.directory_partners(query), selectors.PAGE_SIZE)
    number = form.page_number()
    if number > paginator.num_pages:
        raise Http404
    page = paginator.page(number)
    parameters = query_parameters(query)
    programme_name = _programme_name()
    title = _("Partner directory")
    if number > 1:
        title = _("Partner directory, page %(number)s") % {"number": number}
    description = ngettext(
        "The climate partners of %(programme)s: %(count)s organisation working on its "
        "climate goals.",
        "The climate partners of %(programme)s: %(count)s organisations working on their "
        "climate goals.",
        paginator.count,
    ) % {"programme": programme_name or request.tenant.name, "count": paginator.count}
    context = {
        "form": form,
        "query": query,
        "page": page,
        "paginator": paginator,
        "items": [selectors.list_item(partner) for partner in page.object_list],
        "programme_name": programme_name,
        "page_title": title,
        "meta_description": description,
        "canonical_url": request.build_absolute_uri(
            _page_url({}, number) if not query.is_filtered else reverse("directory")
        ),
        # Searches and filters make endless combinations: crawlers follow, never index them.
        "noindex": query.is_filtered or bool(form.errors),
        "previous_url": _page_url(parameters, number - 1) if page.has_previous() else "",
        "next_url": _page_url(parameters, number + 1) if page.has_next() else "",
        "page_links": [
            (candidate, _page_url(parameters, candidate))
            for candidate in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
        ],
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
