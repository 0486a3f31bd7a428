"""The operator's forms for a tenant's languages, web addresses and branding
(tenants/services.py validates the values; these only parse them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.models import Language


class LanguagesForm(forms.Form):
    primary_language = forms.ChoiceField(
        label=_("Primary language"),
        choices=Language.choices,
        help_text=_("Pages and e-mails fall back to it; content is typed in it first."),
    )
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class DomainAddForm(forms.Form):
    domain = forms.CharField(
        label=_("New web address"),
        max_length=253,
        help_text=_(
            "A host name such as klima.example.dk. It must also point at the platform (DNS), "
            "have a certificate and be listed in ALLOWED_HOSTS."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class DomainRemoveForm(forms.Form):
    domain = forms.CharField(max_length=253, widget=forms.HiddenInput)


class BrandingForm(forms.Form):
    brand_colour = forms.CharField(
        label=_("Brand colour"),
        max_length=7,
        required=False,
        help_text=_(
            "# and six hexadecimal digits, e.g. #0B5D3B. Used for the header, buttons and "
            "links, with white text: it must be dark enough (contrast at least 4.5:1). "
            "Empty: the platform's colours."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    brand_logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or SVG, at most 2 MB. Shown in the header of every page."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    sender_name = forms.CharField(
        label=_("E-mail sender name"),
        max_length=100,
        required=False,
        help_text=_(
            "Shown as the sender of the tenant's e-mails. Empty: the tenant's name. The "
            "sending address stays the platform's, so the e-mails pass spam checks."
        ),
    )
    reply_to = forms.CharField(
        label=_("Reply-to address"),
        max_length=254,
        required=False,
        help_text=_("Replies to the tenant's e-mails go here. Empty: no reply-to address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
