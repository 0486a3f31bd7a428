"""Applying (public) and the staff workspace for partners."""

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from programmes.configuration.models import SigningRound
from programmes.configuration.selectors import programme_charges_fees
from programmes.core.forms import apply_validation_error
from programmes.core.i18n import (
    current_tenant,
    format_date,
    format_datetime,
    formatting_locale,
    tenant_zone,
    translated,
)
from programmes.core.views import role_required, stored_file_response
from programmes.partners import selectors, services
from programmes.partners.business_ids import NAMES
from programmes.partners.forms import (
    ApplicationForm,
    AssessmentForm,
    ColleagueForm,
    ContactFormSet,
    GoalCommentForm,
    GoalForm,
    PartnerProfileForm,
    TransitionForm,
    WorkspaceFilterForm,
)
from programmes.partners.journey import IllegalTransition, allowed_actions
from programmes.partners.models import Partner, Stage

staff_required = role_required("municipal_admin", "municipal_staff")
APPLICATION_FIELDS = {field.name for field in dataclass_fields(services.Application)}
WORKSPACE_PAGE_SIZE = 50
# The cached lists' keys carry the data's digest: this only bounds how long lists made by
# an older release of the templates may still be shown.
WORKSPACE_CACHE_SECONDS = 900


@never_cache
@sensitive_post_parameters("password")
def apply_view(request: HttpRequest) -> HttpResponse:
    tenant = current_tenant()
    form = ApplicationForm(
        request.POST or None,
        languages=tenant.languages,
        initial={"language": request.LANGUAGE_CODE},
    )
    form.fields["business_id"].help_text = NAMES[tenant.country]
    if request.method == "POST" and form.is_valid():
        # Per client address and tenant (ACCOUNT_RATE_LIMITS["partner_apply"]): each
        # application creates an account and e-mails the municipality.
        if not ratelimit.consume(request, action="partner_apply"):
            return ratelimit.respond_429(request)
        data = {key: value for key, value in form.cleaned_data.items() if key in APPLICATION_FIELDS}
        try:
            _partner, user = services.partner_apply(application=services.Application(**data))
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(request, _("Thank you! Your application has been received."))
            return redirect("home")
    return render(request, "partners/apply.html", {"form": form})


@dataclass(frozen=True)
class WorkspaceRow:
    """A partner as the workspace's lists show it, every text ready to print."""

    url: str
    name: str
    stage: str
    unresponsive: bool
    tier: str
    signed_on: str
    stage_since: str


def _workspace_rows(
    partners: QuerySet[Partner], *, stage_since: bool = False
) -> list[WorkspaceRow]:
    """Read as plain values and formatted here, once per row, rather than by template tags
    and model methods per cell (those made most of the page's time); dates through the same
    Babel helpers as the ``date_local`` filter."""
    stages = {value: str(label) for value, label in Stage.choices}
    return [
        WorkspaceRow(
            url=reverse("workspace-partner", args=[row["pk"]]),
            name=row["name"],
            stage=stages.get(row["stage"], row["stage"]),
            unresponsive=row["unresponsive"],
            tier=translated(row["tier__name"]),
            signed_on=format_date(row["joined_on"]) if row["joined_on"] else "",
            stage_since=format_datetime(row["stage_changed_at"]) if stage_since else "",
        )
        for row in partners.values(*selectors.WORKSPACE_COLUMNS)
    ]


@dataclass(frozen=True)
class WorkspaceLists:
    """The workspace's lists as HTML (``partners/_workspace_lists.html``), and where the
    list of all partners stands for its page links."""

    applications: str
    unresponsive: str
    partners: str
    count: int
    number: int


def _workspace_lists(
    form: WorkspaceFilterForm, filters: dict[str, Any], page_number: str | None
) -> WorkspaceLists:
    rows = selectors.partners_for_workspace(
        stage=filters.get("stage", ""),
        query=filters.get("q", ""),
        unresponsive=filters.get("unresponsive", False),
    )
    page = Paginator(rows, WORKSPACE_PAGE_SIZE).get_page(page_number)
    context = {
        "form": form,
        "count": page.paginator.count,
        "partners": _workspace_rows(page.object_list),
        "applications": _workspace_rows(
            selectors.partners_for_workspace(stage=Stage.APPLIED)[:WORKSPACE_PAGE_SIZE],
            stage_since=True,
        ),
        "unresponsive": _workspace_rows(
            selectors.partners_for_workspace(unresponsive=True)[:WORKSPACE_PAGE_SIZE]
        ),
    }
    html = {
        part: render_to_string(f"partners/_workspace_lists.html#{part}", context)
        for part in ("applications", "unresponsive", "partners")
    }
    return WorkspaceLists(**html, count=page.paginator.count, number=page.number)


def _workspace_cache_key(filters: dict[str, Any], page_number: str | None) -> str:
    """Per tenant (``make_key``), version of the data, language, formatting (locale, time
    zone, fallback language), filters and page."""
    tenant = current_tenant()
    primary = tenant.primary_language if tenant else ""
    formatting = f"{formatting_locale()}:{tenant_zone()}:{primary}"
    number = page_number if (page_number or "").isdigit() else "1"
    return (
        f"workspace:{selectors.workspace_version()}:{get_language()}:{formatting}"
        f":{filters.get('stage', '')}:{bool(filters.get('unresponsive'))}:{int(number)}"
    )


@staff_required
def workspace(request: HttpRequest) -> HttpResponse:
    """Applications to review, unresponsive partners and every partner (search, filters,
    50 a page). The lists are cached under the digest of the rows they show
    (``selectors.workspace_version``), so a cached page is never stale; searches are not
    cached."""
    from programmes.followups.selectors import follow_up_counts

    this_year = timezone.localdate().year
    form = WorkspaceFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()  # unbound: the page without filters
    filters = form.cleaned_data if form.is_bound and valid else {}
    page_number = request.GET.get("page")
    key = None
    if valid and not filters.get("q"):
        key = _workspace_cache_key(filters, page_number)
    lists = cache.get(key) if key else None
    if lists is None and key:
        # What is cached depends on the key only: the form shows the filters as the key
        # holds them (``unresponsive=1`` and ``unresponsive=on`` are one key, one page).
        shown = WorkspaceFilterForm(
            {"stage": filters.get("stage", ""), "unresponsive": bool(filters.get("unresponsive"))}
        )
        lists = _workspace_lists(shown, filters, page_number)
        cache.set(key, lists, WORKSPACE_CACHE_SECONDS)
    elif lists is None:
        lists = _workspace_lists(form, filters, page_number)
    # Page links need only the count and the number (``includes/pagination.html`` keeps
    # the search and filters in them).
    page = Paginator(range(lists.count), WORKSPACE_PAGE_SIZE).get_page(lists.number)
    return render(
        request,
        "partners/workspace.html",
        {
            "lists": {
                "applications": mark_safe(lists.applications),  # noqa: S308 (our template)
                "unresponsive": mark_safe(lists.unresponsive),  # noqa: S308
                "partners": mark_safe(lists.partners),  # noqa: S308
            },
            "page": page,
            "follow_up_year": this_year,
            "follow_up_counts": follow_up_counts(this_year),
            "invoicing_enabled": programme_charges_fees(),
        },
    )


@staff_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = selectors.get_partner_for_user(request.user, pk)
    form = TransitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            services.journey_step(
                actor=request.user,
                partner=partner,
                action=action,
                reason=reason,
                end_reason=form.cleaned_data["end_reason"],
                signing_round=SigningRound.objects.filter(
                    pk=request.POST.get("signing_round") or 0
                ).first(),
            )
        except (IllegalTransition, ValidationError) as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("workspace-partner", pk=partner.pk)
    return render(
        request,
        "partners/detail.html",
        {
            "partner": partner,
            "form": form,
            # One form per next step, each with its own field ids.
            "steps": [
                (action, TransitionForm(initial={"action": action}, auto_id=f"id_{action}_%s"))
                for action in allowed_actions(actor=request.user, partner=partner)
            ],
            "signing_rounds": selectors.signing_rounds_with_places(),
            "timeline": selectors.partner_timeline(partner).select_related("actor"),
            "contacts": partner.contacts.all(),
            "answers": partner.assessment_answers.select_related("question"),
            "goals": partner.goals.prefetch_related("comments"),
            "comment_form": GoalCommentForm(),
            "follow_ups": partner.follow_ups.all(),
        },
    )


def _own_partner(request: HttpRequest) -> Partner:
    """The partner the signed-in partner admin or member belongs to."""
    partner = selectors.partner_of_user(request.user)
    if partner is None:
        raise Http404
    return partner


@role_required("partner_admin", "partner_member")
def my_partnership(request: HttpRequest) -> HttpResponse:
    """The partner's own page: where it stands, its timeline, and the steps it can take."""
    partner = _own_partner(request)
    error = None
    if request.method == "POST":
        if request.user.role != "partner_admin":
            raise PermissionDenied
        step = request.POST.get("action", "")
        if step not in {"book", "cancel_booking", "leave", "propose_goals"}:
            raise PermissionDenied
        try:
            services.journey_step(
                actor=request.user,
                partner=partner,
                action=step,
                reason=request.POST.get("reason", ""),
                signing_round=SigningRound.objects.filter(
                    pk=request.POST.get("signing_round") or 0
                ).first(),
            )
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect("my-partnership")
    return render(
        request,
        "partners/my_partnership.html",
        {
            "partner": partner,
            "error": error,
            "actions": allowed_actions(actor=request.user, partner=partner),
            "signing_rounds": selectors.signing_rounds_with_places(),
            "timeline": selectors.partner_timeline(partner),
            "invoicing_enabled": programme_charges_fees(),
        },
    )


@role_required("partner_admin")
def my_profile(request: HttpRequest) -> HttpResponse:
    """The partner admin keeps the organisation's profile and contacts and invites colleagues."""
    partner = _own_partner(request)
    languages = current_tenant().languages
    posted = request.POST if request.POST.get("form") == "profile" else None
    form = PartnerProfileForm(posted, request.FILES or None, instance=partner, languages=languages)
    contacts = ContactFormSet(
        posted,
        prefix="contacts",
        initial=[
            {"name": c.name, "email": c.email, "phone": c.phone, "role": c.role}
            for c in partner.contacts.all()
        ],
    )
    colleague = ColleagueForm(request.POST if request.POST.get("form") == "colleague" else None)
    if posted is not None and form.is_valid() and contacts.is_valid():
        kept = [
            c.cleaned_data
            for c in contacts.forms
            if c.cleaned_data and not c.cleaned_data.get("DELETE")
        ]
        for contact in kept:
            contact.pop("DELETE", None)
        try:
            services.partner_profile_update(
                actor=request.user,
                partner=form.instance,
                logo=form.cleaned_data.get("logo_upload") or None,
                contacts=kept,
            )
        except ValidationError as error:
            if "contacts" in getattr(error, "error_dict", {}):
                contacts._non_form_errors = contacts.error_class(error.message_dict["contacts"])
            else:
                apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("my-profile")
    if colleague.is_bound and colleague.is_valid():
        try:
            services.partner_invite_colleague(
                actor=request.user, partner=partner, **colleague.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(colleague, error)
        else:
            messages.success(request, _("The invitation is on its way."))
            return redirect("my-profile")
    return render(
        request,
        "partners/my_profile.html",
        {
            "partner": partner,
            "form": form,
            "contacts": contacts,
            "colleague": colleague,
            "members": partner.memberships.select_related("user"),
        },
    )


def partner_logo(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner's logo: public only if the partner chose to show it; its own people and
    staff always see it."""
    partner = get_object_or_404(Partner, pk=pk)
    visible = (
        partner.is_active and selectors.publishes(partner, "logo")
    ) or selectors.partners_visible_to(request.user).filter(pk=pk).exists()
    if not visible or not partner.logo:
        raise Http404
    extension = partner.logo.name.rsplit(".", 1)[-1]
    return stored_file_response(
        partner.logo,
        "image/svg+xml" if extension == "svg" else "image/png",
        download_name=f"logo.{extension}",
    )


@role_required("partner_admin", "partner_member")
def my_assessment(request: HttpRequest) -> HttpResponse:
    """The initial self-assessment: the partner answers; weak answers suggest goals."""
    from programmes.configuration.models import AssessmentQuestion

    partner = _own_partner(request)
    questions = list(AssessmentQuestion.objects.all())
    given = dict(partner.assessment_answers.values_list("question_id", "value"))
    form = AssessmentForm(request.POST or None, questions=questions, answers=given)
    suggestions = [q for q in questions if q.pk in given and services.suggests_goal(q, given[q.pk])]
    if request.method == "POST":
        if request.user.role != "partner_admin":
            raise PermissionDenied
        if form.is_valid():
            try:
                services.assessment_submit(
                    actor=request.user, partner=partner, answers=form.answers()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Thank you! Your self-assessment is saved."))
                return redirect("my-assessment")
    return render(
        request,
        "partners/my_assessment.html",
        {
            "partner": partner,
            "form": form,
            "suggestions": suggestions,
        },
    )


@role_required("partner_admin", "partner_member")
def my_goals(request: HttpRequest) -> HttpResponse:
    """The partner's goals: its admin adds them and proposes them for approval."""
    partner = _own_partner(request)
    form = GoalForm(request.POST or None)
    error = None
    if request.method == "POST":
        if request.user.role != "partner_admin":
            raise PermissionDenied
        if request.POST.get("action") == "propose_goals":
            try:
                services.goals_propose(actor=request.user, partner=partner)
            except ValidationError as refused:
                form, error = GoalForm(), " ".join(refused.messages)
            else:
                messages.success(request, _("Your goals are sent to the municipality."))
                return redirect("my-goals")
        elif form.is_valid():
            form.instance.partner = partner
            try:
                services.goal_save(actor=request.user, goal=form.instance)
            except ValidationError as refused:
                apply_validation_error(form, refused)
            else:
                messages.success(request, _("Saved."))
                return redirect("my-goals")
    return render(
        request,
        "partners/my_goals.html",
        {
            "error": error,
            "partner": partner,
            "form": form,
            "goals": partner.goals.prefetch_related("comments"),
            "can_propose": "propose_goals" in allowed_actions(actor=request.user, partner=partner),
        },
    )


@staff_required
def goal_comment_view(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    partner = selectors.get_partner_for_user(request.user, pk)
    goal = get_object_or_404(partner.goals, pk=goal_pk)
    form = GoalCommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.goal_comment(actor=request.user, goal=goal, text=form.cleaned_data["text"])
        messages.success(request, _("Saved."))
    return redirect("workspace-partner", pk=partner.pk)
