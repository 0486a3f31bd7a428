"""The staff dashboard (/dashboard/) and the public figures (/figures/), with downloads.

Every page is a fixed number of queries: the programme, then ``selectors.figures`` (five).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.configuration.models import Programme, PublicFigure
from programmes.configuration.selectors import programme_current
from programmes.core.views import role_required
from programmes.dashboards import exports, selectors
from programmes.dashboards.sections import Section, build_sections

staff_required = role_required("municipal_admin", "municipal_staff")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def _year(request: HttpRequest) -> int:
    """?year=, else the year whose accounts are due now."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and EARLIEST_YEAR <= int(raw) <= LATEST_YEAR:
        return int(raw)
    return selectors.default_year(timezone.localdate())


def _sections(
    request: HttpRequest, programme: Programme | None, codes: list[str], *, staff: bool
) -> tuple[selectors.Figures, list[Section]]:
    figures = selectors.figures(_year(request), programme=programme)
    return figures, build_sections(figures, codes, staff=staff)


def _public_codes(programme: Programme | None) -> list[str]:
    codes = selectors.public_sections(programme)
    if not codes:
        raise Http404
    return codes


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    programme = programme_current()
    figures, sections = _sections(request, programme, list(PublicFigure.values), staff=True)
    years = sorted(
        {row.year for row in figures.emissions} | {selectors.default_year(figures.today)},
        reverse=True,
    )
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "figures": figures,
            "sections": sections,
            "years": years,
            "public_codes": selectors.public_sections(programme),
            "csv_url": "dashboard-csv",
            "xlsx_url": "dashboard-xlsx",
        },
    )


def public_figures(request: HttpRequest) -> HttpResponse:
    programme = programme_current()
    codes = _public_codes(programme)
    figures, sections = _sections(request, programme, codes, staff=False)
    return render(
        request,
        "dashboards/public.html",
        {
            "programme": programme,
            "figures": figures,
            "sections": sections,
            "csv_url": "figures-csv",
            "xlsx_url": "figures-xlsx",
        },
    )


def _download(section: Section, extension: str, year: int) -> HttpResponse:
    if extension == "csv":
        content, content_type = exports.section_csv(section), "text/csv; charset=utf-8"
    else:
        content, content_type = exports.section_xlsx(section), exports.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    name = f"{section.code}-{year}" if section.code == PublicFigure.REPORTING else section.code
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def dashboard_download(request: HttpRequest, section: str, extension: str) -> HttpResponse:
    if section not in PublicFigure.values:
        raise Http404
    figures, (built,) = _sections(request, programme_current(), [section], staff=True)
    return _download(built, extension, figures.year)


def public_download(request: HttpRequest, section: str, extension: str) -> HttpResponse:
    programme = programme_current()
    if section not in _public_codes(programme):
        raise Http404(_("This figure is not published."))
    figures, (built,) = _sections(request, programme, [section], staff=False)
    return _download(built, extension, figures.year)
