"""The partner's symbol page and its files, the public verification page and the staff's
page to replace a leaked verification code."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from programmes.configuration.selectors import programme_current
from programmes.core.forms import apply_validation_error
from programmes.core.i18n import language_name
from programmes.core.views import role_required
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import get_partner_for_user
from programmes.symbols import rendering, selectors, services
from programmes.symbols.files import file_response, file_stem, qr_svg
from programmes.symbols.forms import RegenerateForm

partner_people_required = role_required("partner_admin", "partner_member")
staff_required = role_required("municipal_admin", "municipal_staff")


def _active_partner(request: HttpRequest) -> Partner:
    """The viewer's partner when it is active; its files do not exist otherwise."""
    partner = selectors.partner_for_symbol(request.user)
    if partner is None or partner.stage != Stage.ACTIVE:
        raise Http404
    return partner


def _symbol_svg(partner: Partner, request: HttpRequest) -> tuple[str, str]:
    language = selectors.symbol_language(partner, request.GET.get("language", ""))
    content = selectors.symbol_content(partner, programme_current(), language=language)
    return rendering.symbol_svg(content), language


# --- The partner's people ------------------------------------------------------------------


@partner_people_required
def my_symbol(request: HttpRequest) -> HttpResponse:
    """The partner's symbol: a preview, the downloads, the graphic guidelines, how to use
    it, and the verification link with its QR code. A partner that is not active is told
    why it has no symbol."""
    partner = selectors.partner_for_symbol(request.user)
    if partner is None:
        raise Http404
    programme = programme_current()
    context: dict[str, Any] = {"partner": partner, "programme": programme}
    if partner.stage == Stage.ACTIVE:
        verification = selectors.loaded_verification(partner) or services.verification_ensure(
            actor=request.user, partner=partner
        )
        language = selectors.symbol_language(partner, request.GET.get("language", ""))
        context.update(
            active=True,
            year=selectors.symbol_year(),
            language=language,
            language_label=language_name(language),
            other_languages=[
                (code, language_name(code))
                for code in selectors.symbol_languages()
                if code != language
            ],
            query=f"?language={language}",
            sizes=rendering.PNG_SIZES,
            verification_url=selectors.verification_url(verification),
        )
    else:
        context.update(
            active=False,
            ended_on=selectors.local_date(partner.ended_at)
            if partner.stage == Stage.ENDED
            else None,
        )
    return render(request, "symbols/my_symbol.html", context)


@partner_people_required
def my_symbol_svg(request: HttpRequest) -> HttpResponse:
    partner = _active_partner(request)
    svg, language = _symbol_svg(partner, request)
    return file_response(
        svg,
        "image/svg+xml",
        f"{file_stem(partner, language)}.svg",
        inline=request.GET.get("inline") == "1",
    )


def _png(request: HttpRequest, size: str) -> HttpResponse:
    partner = _active_partner(request)
    svg, language = _symbol_svg(partner, request)
    png = rendering.symbol_png(svg, rendering.PNG_SIZES[size])
    return file_response(png, "image/png", f"{file_stem(partner, language)}-{size}.png")


@partner_people_required
def my_symbol_png_web(request: HttpRequest) -> HttpResponse:
    return _png(request, "web")


@partner_people_required
def my_symbol_png_print(request: HttpRequest) -> HttpResponse:
    return _png(request, "print")


@partner_people_required
def my_symbol_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the verification link (SVG, for print next to the symbol)."""
    partner = _active_partner(request)
    verification = selectors.loaded_verification(partner) or services.verification_ensure(
        actor=request.user, partner=partner
    )
    return file_response(
        qr_svg(selectors.verification_url(verification)),
        "image/svg+xml",
        f"{file_stem(partner, 'qr')}.svg",
        inline=request.GET.get("inline") == "1",
    )


# --- Public --------------------------------------------------------------------------------


@never_cache
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Whether the partnership behind a symbol is real and current: the partner's name,
    the programme, the status and its dates, nothing else. Unknown codes are 404."""
    verification = selectors.get_verification_by_code(code)
    status = selectors.verification_status(verification, programme_current())
    response = render(request, "symbols/verify.html", {"status": status})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Staff ---------------------------------------------------------------------------------


@staff_required
def partner_symbol_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner's verification link, and the form that replaces a leaked code."""
    partner = get_partner_for_user(request.user, pk)
    form = RegenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verification_regenerate(
                actor=request.user, partner=partner, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The verification code is replaced: the old link and QR code no longer work."),
            )
            return redirect("workspace-partner-symbol", pk=partner.pk)
    verification = selectors.verification_of(partner)
    return render(
        request,
        "symbols/staff_partner.html",
        {
            "partner": partner,
            "verification": verification,
            "verification_url": selectors.verification_url(verification) if verification else "",
            "form": form,
        },
        status=400 if form.errors else 200,
    )
