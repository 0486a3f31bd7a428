"""The widget's pages: the admin page (settings, embed code, preview), the script
``/widget/embed.js`` and the frame ``/widget/frame/`` that other websites embed."""

import hashlib
import re
from functools import cache
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from programmes.core.forms import apply_validation_error
from programmes.core.i18n import current_tenant
from programmes.core.views import role_required
from programmes.widget import selectors, services
from programmes.widget.forms import SnippetForm, WidgetSettingsForm
from programmes.widget.snippets import embed_code

EMBED_JS = Path(__file__).resolve().parent / "static" / "widget" / "embed.js"
# The script's address never changes (it is in the municipality's page), so it is cached
# for a day, and revalidated by its ETag.
SCRIPT_CACHE_SECONDS = 86_400

staff_required = role_required("municipal_admin", "municipal_staff")


def _base(request: HttpRequest) -> str:
    """This tenant's address as the request reached it (``https://host[:port]``)."""
    return request.build_absolute_uri("/").rstrip("/")


def parse_show(value: str | None) -> list[str]:
    """``count,partners,winners`` (commas or spaces) → the known names in a fixed order."""
    asked = set(re.split(r"[\s,]+", value or ""))
    return [name for name in selectors.SHOWABLE if name in asked]


# --- The admin's page ----------------------------------------------------------------------


@staff_required
def manage(request: HttpRequest) -> HttpResponse:
    """Municipal admins list the websites that may embed the widget and choose what it
    shows; municipal staff see the settings and the embed code."""
    settings = selectors.widget_settings()
    may_edit = selectors.may_edit_settings(request.user)
    form = WidgetSettingsForm.for_settings(settings, request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.widget_settings_save(
                    actor=request.user,
                    allowed_origins=form.origin_lines(),
                    show_partners=data["show_partners"],
                    show_count=data["show_count"],
                    show_winners=data["show_winners"],
                    winners_count=data["winners_count"],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("The widget's settings are saved."))
                return redirect("widget-manage")
    tenant = current_tenant()
    languages = tenant.languages if tenant else ["en"]
    primary = selectors.language_for(None)  # the website's language, most likely
    snippet_form = SnippetForm(
        request.GET if "lang" in request.GET else None,
        languages=languages,
        initial={
            "lang": primary,
            "show": settings.shown,
            "heading_level": 2,
        },
    )
    if snippet_form.is_bound and snippet_form.is_valid():
        language = snippet_form.cleaned_data["lang"]
        show = parse_show(" ".join(snippet_form.cleaned_data["show"])) or settings.shown
        heading_level = snippet_form.cleaned_data["heading_level"]
    else:
        language, show, heading_level = primary, settings.shown, 2
    base = _base(request)
    payload = selectors.with_absolute_links(selectors.widget_data(language), base)
    return render(
        request,
        "widget/manage.html",
        {
            "settings": settings,
            "form": form if may_edit else None,
            "snippet_form": snippet_form,
            "code": embed_code(
                base=base,
                language=language,
                show=show,
                heading_level=heading_level,
                title=payload["texts"]["heading"],
            ),
            "preview": {
                "data": payload,
                "show": show,
                "level": 3,  # under the page's "Preview" heading
                "language": language,
            },
        },
        status=400 if form.errors else 200,
    )


# --- What other websites embed -------------------------------------------------------------


@cache
def _script() -> tuple[bytes, str]:
    body = EMBED_JS.read_bytes()
    return body, f'"{hashlib.sha256(body).hexdigest()[:32]}"'


@require_safe
def embed_js(request: HttpRequest) -> HttpResponse:
    """The script of the script snippet (same for every tenant; it reads the data of the
    host it was loaded from)."""
    body, etag = _script()
    if request.headers.get("if-none-match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={SCRIPT_CACHE_SECONDS}"
    # Pages that isolate themselves (COEP) may still load it.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def frame_ancestors(origins: list[str]) -> str:
    return " ".join(origins) if origins else "'none'"


@require_safe
@xframe_options_exempt
def frame(request: HttpRequest) -> HttpResponse:
    """The widget drawn by the server, for the iframe snippet. Only the listed websites may
    frame it (``frame-ancestors``); ``?lang=`` one of the tenant's languages, ``?show=``
    what to show (default: the admin's choice)."""
    language = selectors.language_for(request.GET.get("lang"))
    payload = selectors.with_absolute_links(selectors.widget_data(language), _base(request))
    show = parse_show(request.GET.get("show")) or payload["show"]
    with translation.override(language):
        response = render(
            request,
            "widget/frame.html",
            {
                "data": payload,
                "show": show,
                "level": 1,
                "language": language,
                "link_target": "_top",
            },
        )
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {frame_ancestors(selectors.allowed_origins())}"
    )
    response["Cache-Control"] = f"public, max-age={selectors.DATA_CACHE_SECONDS}"
    response["Content-Language"] = language
    return response
