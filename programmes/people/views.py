from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from programmes.core.views import municipal_admin_required
from programmes.people import selectors, services
from programmes.people.forms import AccessChangeForm, InvitationAcceptForm


@never_cache
@sensitive_post_parameters("password", "password_again")
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "people/invitation_invalid.html", status=404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                form.add_error(None, error.messages)
        else:
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            # The login step as allauth records it, so a new staff member who sets MFA up
            # right away is recognised (programmes.people.mfa).
            record_authentication(request, user, "password", email=user.email)
            return redirect("home")
    return render(
        request, "people/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@municipal_admin_required
def people_manage(request: HttpRequest) -> HttpResponse:
    """Everyone of the programme: role, second factor, access (municipal admins)."""
    return render(request, "people/manage.html", {"people": selectors.people_for_management()})


@municipal_admin_required
def person_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate or reactivate one person, with a reason (municipal admins; not themselves)."""
    person = selectors.people_for_management().filter(pk=pk).first()
    if person is None:
        raise Http404
    is_self = person.pk == request.user.pk
    form = AccessChangeForm(request.POST or None)
    if request.method == "POST" and not is_self and form.is_valid():
        was_active = person.is_active
        service = services.user_deactivate if was_active else services.user_reactivate
        try:
            service(actor=request.user, user=person, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_messages)
            else:
                form.add_error(None, error.messages)
        else:
            if was_active:
                messages.success(request, _("%(name)s can no longer sign in.") % {"name": person})
            else:
                messages.success(request, _("%(name)s can sign in again.") % {"name": person})
            return redirect("people-manage")
    return render(
        request, "people/person_access.html", {"person": person, "form": form, "is_self": is_self}
    )
