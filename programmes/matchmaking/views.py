"""Matchmaking pages: staff edit the tag list and sessions, compute, adjust and send the
schedule; a partner's people see its profile (its admin edits it) and its personal
schedule as a page and a PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from programmes.core.forms import apply_validation_error
from programmes.core.i18n import tenant_languages, translated
from programmes.core.views import role_required
from programmes.matchmaking import selectors, services
from programmes.matchmaking.forms import (
    MeetingAddForm,
    MeetingMoveForm,
    MeetingSwapForm,
    ProfileForm,
    SessionForm,
    TagForm,
)
from programmes.matchmaking.models import Meeting, Session, Tag
from programmes.matchmaking.pdf import schedule_pdf
from programmes.partners.models import Partner
from programmes.partners.selectors import partner_of_user

staff_required = role_required("municipal_admin", "municipal_staff")
partner_people_required = role_required("partner_admin", "partner_member")


def _own_partner(request: HttpRequest) -> Partner:
    partner = partner_of_user(request.user)
    if partner is None:
        raise Http404
    return partner


def _pdf_response(session: Session, partner: Partner) -> HttpResponse:
    name = slugify(f"{translated(session.title)} {partner.name}") or "matchmaking"
    response = HttpResponse(schedule_pdf(session, partner), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


# --- Staff ---------------------------------------------------------------------------------


@staff_required
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matchmaking/overview.html",
        {
            "sessions": selectors.sessions_for_staff(),
            "tag_count": Tag.objects.filter(is_active=True).count(),
            "profile_count": selectors.session_participants(Session()).count(),
        },
    )


@staff_required
def tags(request: HttpRequest) -> HttpResponse:
    """The programme's tag list, and a form to add one."""
    form = TagForm(request.POST or None, instance=Tag(), languages=tenant_languages())
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_save(actor=request.user, tag=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The tag is saved."))
            return redirect("matchmaking-tags")
    return render(
        request, "matchmaking/tags.html", {"tags": Tag.objects.order_by("pk"), "form": form}
    )


@staff_required
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tag = Tag.objects.filter(pk=pk).first()
    if tag is None:
        raise Http404
    form = TagForm(request.POST or None, instance=tag, languages=tenant_languages())
    if request.method == "POST" and form.is_valid():
        try:
            services.tag_save(actor=request.user, tag=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The tag is saved."))
            return redirect("matchmaking-tags")
    return render(request, "matchmaking/tag_form.html", {"form": form, "tag": tag})


@staff_required
def session_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    session = Session() if pk is None else selectors.get_session(pk)
    form = SessionForm(request.POST or None, instance=session, languages=tenant_languages())
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(
                actor=request.user,
                session=form.instance,
                participants=form.cleaned_data["participants"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("matchmaking-session", form.instance.pk)
    return render(request, "matchmaking/session_form.html", {"form": form, "session": session})


@staff_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session(pk)
    rounds = selectors.schedule_of(session)
    add_form = MeetingAddForm(participants=selectors.session_participants(session))
    return render(
        request,
        "matchmaking/session.html",
        {
            "session": session,
            "rounds": rounds,
            "meeting_count": sum(len(row.meetings) for row in rounds),
            "total_score": sum(m.score for row in rounds for m in row.meetings),
            "add_form": add_form,
        },
    )


@staff_required
@require_POST
def session_compute(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session(pk)
    count = services.schedule_compute(actor=request.user, session=session)
    messages.success(request, _("The schedule is computed: %(count)s meetings.") % {"count": count})
    return redirect("matchmaking-session", session.pk)


@staff_required
@require_POST
def session_send(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session(pk)
    try:
        services.schedule_send_request(actor=request.user, session=session)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Each organisation is being e-mailed its personal schedule, with the PDF."),
        )
    return redirect("matchmaking-session", session.pk)


@staff_required
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.get_session(pk)
    form = MeetingAddForm(
        request.POST or None, participants=selectors.session_participants(session)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_add(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The meeting is added."))
            return redirect("matchmaking-session", session.pk)
    return render(request, "matchmaking/meeting_add.html", {"form": form, "session": session})


def _meeting(pk: int) -> Meeting:
    meeting = (
        Meeting.objects.select_related("session", "partner_a", "partner_b").filter(pk=pk).first()
    )
    if meeting is None:
        raise Http404
    return meeting


@staff_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a meeting, swap it with another, or delete it: three forms, one action each."""
    meeting = _meeting(pk)
    action = request.POST.get("action") if request.method == "POST" else None
    move = MeetingMoveForm(
        request.POST if action == "move" else None,
        initial={"round": meeting.round, "table": meeting.table},
    )
    swap = MeetingSwapForm(request.POST if action == "swap" else None, meeting=meeting)
    try:
        if action == "move" and move.is_valid():
            services.meeting_move(actor=request.user, meeting=meeting, **move.cleaned_data)
            messages.success(request, _("The meeting is moved."))
            return redirect("matchmaking-session", meeting.session_id)
        if action == "swap" and swap.is_valid():
            services.meeting_swap(
                actor=request.user, meeting=meeting, other=swap.cleaned_data["other"]
            )
            messages.success(request, _("The meetings are swapped."))
            return redirect("matchmaking-session", meeting.session_id)
        if action == "delete":
            services.meeting_delete(actor=request.user, meeting=meeting)
            messages.success(request, _("The meeting is deleted."))
            return redirect("matchmaking-session", meeting.session_id)
    except ValidationError as error:
        apply_validation_error(move if action == "move" else swap, error)
    return render(
        request,
        "matchmaking/meeting_edit.html",
        {"meeting": meeting, "move": move, "swap": swap},
        status=400 if action else 200,
    )


@staff_required
def partner_schedule_pdf(request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:
    session = selectors.get_session(pk)
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise Http404
    return _pdf_response(session, partner)


# --- The partner's own pages ---------------------------------------------------------------


@partner_people_required
def my_matchmaking(request: HttpRequest) -> HttpResponse:
    """The partner's matchmaking profile (its admin edits it here) and its sessions."""
    partner = _own_partner(request)
    profile = selectors.profile_of(partner)
    # The partner is the viewer's own (partner_of_user): its admin edits, members read.
    can_edit = request.user.role == "partner_admin"
    form = None
    if can_edit:
        kept = {
            name: {obj.pk for obj in getattr(profile, name).all()} if profile else set()
            for name in ("offers", "seeks", "interests", "do_not_match")
        }
        initial = (
            {
                **{name: list(pks) for name, pks in kept.items()},
                "offers_text": profile.offers_text,
                "seeks_text": profile.seeks_text,
            }
            if profile
            else {}
        )
        form = ProfileForm(request.POST or None, partner=partner, kept=kept, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.profile_save(actor=request.user, partner=partner, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("Your matchmaking profile is saved."))
                return redirect("my-matchmaking")
    elif request.method == "POST":
        return HttpResponse(status=403)
    return render(
        request,
        "matchmaking/my_matchmaking.html",
        {
            "partner": partner,
            "profile": profile,
            "form": form,
            "sessions": selectors.sessions_of_partner(partner),
        },
    )


@partner_people_required
def my_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _own_partner(request)
    session = selectors.get_session_of_partner(partner, pk)
    return render(
        request,
        "matchmaking/my_schedule.html",
        {
            "session": session,
            "partner": partner,
            "meetings": selectors.personal_schedule(session, partner),
        },
    )


@partner_people_required
def my_schedule_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _own_partner(request)
    session = selectors.get_session_of_partner(partner, pk)
    return _pdf_response(session, partner)
