"""The operator's form for a tenant's single sign-on (tenants/sso.py validates the values)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SsoForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the identity provider"),
        max_length=40,
        help_text=_('Shown on the sign-in button: "Sign in with …", e.g. "Aarhus AD".'),
    )
    server_url = forms.CharField(
        label=_("Issuer address"),
        max_length=500,
        help_text=_(
            "The identity provider's issuer URL; its /.well-known/openid-configuration is "
            "read from there."
        ),
        widget=forms.URLInput,
    )
    client_id = forms.CharField(label=_("Client id"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        strip=False,
        # Never rendered back: the input is always empty.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    allowed_domains = forms.CharField(
        label=_("Allowed e-mail domains"),
        help_text=_(
            "One a line, e.g. aarhus.dk. Only staff whose e-mail address the identity "
            "provider confirms in one of these domains can sign in with it."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    enabled = forms.BooleanField(label=_("Offer single sign-on on the login page"), required=False)

    def __init__(self, *args: object, has_secret: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if has_secret:
            self.fields["client_secret"].help_text = _(
                "A secret is stored and never shown. Leave blank to keep it."
            )
