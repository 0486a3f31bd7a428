"""The follow-up for partners (answer it) and for staff (the programme's overview)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.core.forms import apply_validation_error
from programmes.core.views import role_required
from programmes.followups import selectors, services
from programmes.followups.forms import (
    FollowUpForm,
    NewGoalForm,
    OpenFollowUpsForm,
    OverviewFilterForm,
)
from programmes.followups.models import FollowUpStatus
from programmes.partners.selectors import partner_of_user

staff_required = role_required("municipal_admin", "municipal_staff")


@role_required("partner_admin", "partner_member")
def my_follow_up(request: HttpRequest) -> HttpResponse:
    """The partner's annual follow-up: its admin answers, its members read."""
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    follow_up = selectors.latest_follow_up(partner)
    is_open = follow_up is not None and follow_up.status == FollowUpStatus.OPEN
    goals = services.goals_to_report(follow_up) if is_open else []
    posted = request.POST if request.method == "POST" else None
    form = FollowUpForm(posted, goals=goals)
    new_goal = NewGoalForm(posted)
    if posted is not None:
        if request.user.role != "partner_admin" or not is_open:
            raise PermissionDenied
        if form.is_valid() and new_goal.is_valid():
            try:
                services.followup_submit(
                    actor=request.user,
                    follow_up=follow_up,
                    answers=form.answers(),
                    support_needed=form.cleaned_data["support_needed"],
                    new_goals=[new_goal.instance] if new_goal.has_changed() else [],
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Thank you! Your follow-up has been sent."))
                return redirect("my-follow-up")
    progress = (
        follow_up.progress.select_related("goal")
        if follow_up and follow_up.status == FollowUpStatus.SUBMITTED
        else []
    )
    return render(
        request,
        "followups/my_follow_up.html",
        {
            "partner": partner,
            "follow_up": follow_up,
            "is_open": is_open,
            "form": form,
            "new_goal": new_goal,
            "progress": progress,
        },
    )


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    """The year's follow-up across the programme: who answered, who is late, who is
    unresponsive. Admins can open the year's follow-up by hand."""
    this_year = timezone.localdate().year
    filters = OverviewFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    year = chosen.get("year") or this_year
    # Its own ids: the filter form on the same page has a year field too.
    opener = OpenFollowUpsForm(
        request.POST or None, initial={"year": this_year}, auto_id="id_open_%s"
    )
    if request.method == "POST":
        if request.user.role != "municipal_admin":
            raise PermissionDenied
        if opener.is_valid():
            opened = services.followups_open(actor=request.user, year=opener.cleaned_data["year"])
            messages.success(
                request,
                ngettext("%(count)s follow-up opened.", "%(count)s follow-ups opened.", len(opened))
                % {"count": len(opened)},
            )
            return redirect(f"{request.path}?year={opener.cleaned_data['year']}")
    rows = selectors.follow_ups_for_overview(
        year=year, status=chosen.get("status", ""), query=chosen.get("q", "")
    )
    return render(
        request,
        "followups/overview.html",
        {
            "filters": filters,
            "opener": opener,
            "year": year,
            "counts": selectors.follow_up_counts(year),
            "follow_ups": rows[:300],
            "today": timezone.localdate(),
        },
    )


@staff_required
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = selectors.get_follow_up_for_user(request.user, pk)
    if request.method == "POST":
        goal = get_object_or_404(follow_up.partner.goals, pk=request.POST.get("approve_goal") or 0)
        try:
            services.follow_up_goal_approve(actor=request.user, goal=goal)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("The goal is approved."))
        return redirect("follow-up", pk=follow_up.pk)
    return render(
        request,
        "followups/detail.html",
        {
            "follow_up": follow_up,
            "progress": follow_up.progress.select_related("goal"),
            "new_goals": follow_up.partner.goals.filter(status="proposed"),
        },
    )
