"""Announcement pages: staff write, preview and send them; a partner's people read them in
their inbox and choose which newsletters they get; anyone with a link from an e-mail can
unsubscribe without signing in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from programmes.communication import selectors, services
from programmes.communication.forms import AnnouncementForm, PreferenceForm, SendForm
from programmes.communication.models import Announcement, Category
from programmes.communication.tokens import ALL, InvalidToken, unsubscribe_token_read
from programmes.core.forms import apply_validation_error
from programmes.core.i18n import tenant_languages
from programmes.core.views import role_required

staff_required = role_required("municipal_admin", "municipal_staff")
partner_people_required = role_required("partner_admin", "partner_member")
# Rows on the staff list and in an inbox; older ones stay in the API.
LIST_ROWS = 200
# Partners named on the preview of a segment; the counts cover all.
PREVIEW_NAMES = 30


@staff_required
def announcement_list(request: HttpRequest) -> HttpResponse:
    """Every announcement with its status and how many partners it reached and read it."""
    return render(
        request,
        "communication/announcement_list.html",
        {"announcements": selectors.announcements_for_staff()[:LIST_ROWS], "limit": LIST_ROWS},
    )


@staff_required
def announcement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Write a new announcement, or edit a draft and see who it would reach; a scheduled or
    sent one is shown as it went out."""
    if pk is None:
        announcement = Announcement()
    else:
        announcement = selectors.get_announcement_for_user(request.user, pk)
    if announcement.pk and not announcement.is_draft:
        return _sent_page(request, announcement)
    form = AnnouncementForm(
        request.POST or None, instance=announcement, languages=tenant_languages()
    )
    if request.method == "POST" and form.is_valid():
        form.instance.segment = form.segment()
        try:
            services.announcement_save(actor=request.user, announcement=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The announcement is saved as a draft."))
            return redirect("announcement", form.instance.pk)
    context = {"form": form, "announcement": announcement}
    if announcement.pk:
        context |= {"preview": _preview(announcement), "send_form": SendForm()}
    return render(request, "communication/announcement_form.html", context)


def _preview(announcement: Announcement) -> dict:
    """Who the draft reaches today: partners, addresses, and how many addresses opted out
    of its category (four queries whatever the segment's size)."""
    partners = list(
        selectors.partners_in_segment(announcement.segment).only("pk", "name", "language")
    )
    recipients = selectors.recipients_for_partners(partners)
    preferences = selectors.preferences_for(r.email for r in recipients)
    opted_out = 0
    if not announcement.essential:
        opted_out = sum(
            1
            for r in recipients
            if r.email in preferences and not preferences[r.email].wants(announcement.category)
        )
    return {
        "criteria": selectors.segment_description(announcement.segment),
        "partners": len(partners),
        "names": partners[:PREVIEW_NAMES],
        "addresses": len({r.email for r in recipients}),
        "opted_out": opted_out,
    }


def _sent_page(request: HttpRequest, announcement: Announcement) -> HttpResponse:
    counted = selectors.announcements_for_staff().get(pk=announcement.pk)
    return render(
        request,
        "communication/announcement_detail.html",
        {
            "announcement": counted,
            "criteria": selectors.segment_description(announcement.segment),
        },
    )


@staff_required
@require_POST
def announcement_send(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = selectors.get_announcement_for_user(request.user, pk)
    form = SendForm(request.POST)
    if form.is_valid():
        try:
            services.announcement_send(
                actor=request.user, announcement=announcement, send_at=form.cleaned_data["send_at"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if announcement.send_at:
                messages.success(request, _("The announcement is scheduled."))
            else:
                messages.success(request, _("The announcement is being sent."))
    else:
        messages.error(request, _("Give the time to send at as a date and time."))
    return redirect("announcement", announcement.pk)


@staff_required
@require_POST
def announcement_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = selectors.get_announcement_for_user(request.user, pk)
    try:
        services.announcement_unschedule(actor=request.user, announcement=announcement)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The announcement is a draft again."))
    return redirect("announcement", announcement.pk)


@staff_required
def announcement_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then delete a draft."""
    announcement = selectors.get_announcement_for_user(request.user, pk)
    if not announcement.is_draft:
        return redirect("announcement", announcement.pk)
    if request.method == "POST":
        services.announcement_delete(actor=request.user, announcement=announcement)
        messages.success(request, _("The draft is deleted."))
        return redirect("announcements")
    return render(request, "communication/announcement_delete.html", {"announcement": announcement})


# --- The partner's inbox and preferences -------------------------------------------------


@partner_people_required
def my_inbox(request: HttpRequest) -> HttpResponse:
    items = list(selectors.inbox_items_visible_to(request.user)[:LIST_ROWS])
    return render(
        request,
        "communication/inbox.html",
        {
            "items": items,
            "unread": sum(1 for item in items if item.read_at is None),
            "limit": LIST_ROWS,
        },
    )


@partner_people_required
def my_inbox_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One announcement; opening it marks it read, a button marks it unread again."""
    item = selectors.get_inbox_item_for_user(request.user, pk)
    if request.method == "POST":
        services.inbox_item_mark(
            actor=request.user, item=item, read=request.POST.get("read") == "1"
        )
        return redirect("my-inbox")
    services.inbox_item_open(actor=request.user, item=item)
    return render(request, "communication/inbox_item.html", {"item": item})


@partner_people_required
def my_notifications(request: HttpRequest) -> HttpResponse:
    """Which newsletters the person gets by e-mail (service messages always come)."""
    preference = selectors.preference_of(request.user.email)
    wanted = [c for c in Category.values if c not in preference.categories_off]
    form = PreferenceForm(
        request.POST or None,
        initial={"categories": wanted, "newsletters_off": preference.newsletters_off},
    )
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["categories"])
        services.preference_save(
            actor=request.user,
            email=request.user.email,
            categories_off=[c for c in Category.values if c not in chosen],
            newsletters_off=form.cleaned_data["newsletters_off"],
        )
        messages.success(request, _("Your choices are saved."))
        return redirect("my-notifications")
    return render(request, "communication/notifications.html", {"form": form})


# --- Unsubscribing from an e-mail link ---------------------------------------------------


@csrf_exempt  # RFC 8058: mail providers POST without a session; the signed token decides.
@never_cache
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link does and a button; POST (the button, or a mail provider's
    one-click request) unsubscribes. A forged or another tenant's token changes nothing."""
    try:
        asked = unsubscribe_token_read(token)
    except InvalidToken:
        return render(request, "communication/unsubscribe_invalid.html", status=404)
    category = "" if asked.category == ALL else Category(asked.category).label
    context = {"email": asked.email, "category": category}
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "communication/unsubscribe_done.html", context)
    return render(request, "communication/unsubscribe.html", context)
