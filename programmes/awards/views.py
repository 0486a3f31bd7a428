"""Award pages: the public page (open awards to nominate for, past winners by year), the
nomination form, the staff's rounds, the jury's scoring sheets and the partner's own page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from programmes.awards import selectors, services
from programmes.awards.forms import AnnounceForm, EligibilityForm, NominationForm, RoundOpenForm
from programmes.awards.models import Nomination, RoundStatus
from programmes.core.forms import apply_validation_error
from programmes.core.views import role_required
from programmes.partners.selectors import partner_of_user

staff_required = role_required("municipal_admin", "municipal_staff")
partner_people_required = role_required("partner_admin", "partner_member")


# --- Public --------------------------------------------------------------------------------


def awards_home(request: HttpRequest) -> HttpResponse:
    """The awards open for nominations now (with a link for those who may nominate) and the
    winners of past rounds by year."""
    today = timezone.localdate()
    rounds = selectors.rounds_open_for_nominations(today=today)
    for award_round in rounds:
        award_round.may_nominate = selectors.may_nominate(request.user, award_round)
    return render(
        request,
        "awards/home.html",
        {"open_rounds": rounds, "history": selectors.winners_by_year()},
    )


@never_cache
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    """Nominate an organisation in an open round: partners' people, staff or the public (by
    name and e-mail address), as the award allows."""
    award_round = selectors.get_open_round(pk, today=timezone.localdate())
    if not selectors.may_nominate(request.user, award_round):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    public = not request.user.is_authenticated
    form = NominationForm(request.POST or None, public=public)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nomination_create(
                actor=request.user,
                award_round=award_round,
                nominee=data["nominee"],
                justification=data["justification"],
                nominator_name=data.get("nominator_name", ""),
                nominator_email=data.get("nominator_email", ""),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Thank you: %(name)s is nominated.") % {"name": data["nominee"].name},
            )
            if request.user.is_authenticated and request.user.role in (
                "partner_admin",
                "partner_member",
            ):
                return redirect("my-awards")
            return redirect("awards")
    return render(request, "awards/nominate.html", {"round": award_round, "form": form})


# --- Staff ---------------------------------------------------------------------------------


@staff_required
def manage_rounds(request: HttpRequest) -> HttpResponse:
    """Every round of every award, and the form to open a new one."""
    form = RoundOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            award_round = services.round_open(
                actor=request.user,
                category=data["category"],
                year=data["year"],
                month=data["month"],
                nomination_opens=data["nomination_opens"],
                nomination_closes=data["nomination_closes"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The round is open for nominations."))
            return redirect("awards-manage-round", pk=award_round.pk)
    return render(
        request,
        "awards/manage_rounds.html",
        {"rounds": list(selectors.rounds_for_staff()), "form": form},
    )


ROUND_ACTIONS = {
    "start_scoring": (
        services.round_start_scoring,
        _("Nominations are closed: the jury can score."),
    ),
    "close": (services.round_close, _("The scoring is closed.")),
}


@staff_required
def manage_round(request: HttpRequest, pk: int) -> HttpResponse:
    """One round: its nominations with eligibility, the jury's progress, the totals once
    the scoring is closed; start the scoring, close it, announce the winner."""
    award_round = selectors.get_round_for_staff(request.user, pk)
    announce = AnnounceForm(
        request.POST if request.POST.get("action") == "announce" else None,
        award_round=award_round,
    )
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ROUND_ACTIONS:
                service, done = ROUND_ACTIONS[action]
                service(actor=request.user, award_round=award_round)
                messages.success(request, str(done))
                return redirect("awards-manage-round", pk=award_round.pk)
            if action == "announce" and announce.is_valid():
                services.round_announce(
                    actor=request.user,
                    award_round=award_round,
                    winner=announce.cleaned_data["winner"],
                    reason=announce.cleaned_data["reason"],
                )
                messages.success(request, _("The winner is announced."))
                return redirect("awards-manage-round", pk=award_round.pk)
            if action not in ("announce",):
                error = _("Choose what to do.")
        except ValidationError as problem:
            if action == "announce":
                apply_validation_error(announce, problem)
            else:
                error = " ".join(problem.messages)
    return render(
        request,
        "awards/manage_round.html",
        {
            "view": selectors.staff_round(award_round),
            "announce": announce,
            "eligibility_form": EligibilityForm(),
            "error": error,
        },
        status=400 if error else 200,
    )


@staff_required
def nomination_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff decide whether a nomination is eligible, with a reason."""
    nomination = (
        Nomination.objects.select_related("round__category", "nominee").filter(pk=pk).first()
    )
    if nomination is None:
        raise Http404
    form = EligibilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_eligibility_decide(
                actor=request.user,
                nomination=nomination,
                eligible=form.cleaned_data["eligible"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The decision is saved."))
            return redirect("awards-manage-round", pk=nomination.round_id)
    return render(
        request,
        "awards/eligibility.html",
        {"nomination": nomination, "form": form},
        status=400 if form.errors else 200,
    )


# --- The jury ------------------------------------------------------------------------------


@never_cache
@login_required
def jury_home(request: HttpRequest) -> HttpResponse:
    """The rounds the signed-in person judges."""
    rounds = list(selectors.rounds_for_juror(request.user))
    return render(request, "awards/jury_home.html", {"rounds": rounds})


def _posted_scores(request: HttpRequest, sheet: selectors.JurySheet) -> services.ScoreValues:
    """The score inputs (``score-<nomination>-<criterion>``) of the sheet's scorable rows; an
    empty input removes a score, anything but a whole number is left for the service to
    refuse."""
    values: dict[tuple[int, int], Any] = {}
    for row in sheet.to_score:
        for criterion in sheet.criteria:
            name = f"score-{row.nomination.pk}-{criterion.pk}"
            if name not in request.POST:
                continue
            raw = request.POST[name].strip()
            if not raw:
                if criterion.pk in row.own:
                    values[(row.nomination.pk, criterion.pk)] = None
                continue
            values[(row.nomination.pk, criterion.pk)] = int(raw) if raw.isdigit() else raw
    return values


@never_cache
@login_required
def jury_round(request: HttpRequest, pk: int) -> HttpResponse:
    """A juror's scoring sheet for a round: save scores, then submit them (final)."""
    award_round = selectors.get_round_for_juror(request.user, pk)
    sheet = selectors.jury_sheet(award_round, request.user)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if award_round.status != RoundStatus.SCORING:
                raise ValidationError(_("This round is not being scored."))
            values = _posted_scores(request, sheet)
            if values:
                services.scores_save(actor=request.user, award_round=award_round, values=values)
            if action == "submit":
                services.scores_submit(actor=request.user, award_round=award_round)
                messages.success(request, _("Your scores are submitted. Thank you."))
            else:
                messages.success(request, _("Your scores are saved."))
            return redirect("awards-jury-round", pk=award_round.pk)
        except ValidationError as problem:
            error = " ".join(problem.messages)
            sheet = selectors.jury_sheet(award_round, request.user)
    return render(
        request,
        "awards/jury_round.html",
        {"sheet": sheet, "error": error, "scoring": award_round.status == RoundStatus.SCORING},
        status=400 if error else 200,
    )


# --- The partner's own page ----------------------------------------------------------------


@partner_people_required
def my_awards(request: HttpRequest) -> HttpResponse:
    """The partner's nominations and wins, and what its people nominated."""
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    return render(
        request,
        "awards/my_awards.html",
        {
            "partner": partner,
            "awards": selectors.partner_awards(partner),
            # A partner's person may sit on a jury (never scoring its own organisation).
            "judges": selectors.rounds_for_juror(request.user).exists(),
        },
    )
