"""Forms of the privacy pages; the rules (bounds, who may be erased) are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.privacy.models import MONTHS_MAX, MONTHS_MIN, PERIOD_FIELDS, RetentionPolicy


class RetentionForm(forms.Form):
    def __init__(self, *args: object, policy: RetentionPolicy, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in PERIOD_FIELDS:
            model_field = RetentionPolicy._meta.get_field(name)
            self.fields[name] = forms.IntegerField(
                label=str(model_field.verbose_name).capitalize(),
                min_value=MONTHS_MIN,
                max_value=MONTHS_MAX,
                initial=getattr(policy, name),
                help_text=_("In months, from %(min)s to %(max)s.")
                % {"min": MONTHS_MIN, "max": MONTHS_MAX},
            )


class ErasureForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("Their rows are found by this address, and by their account if they have one."),
    )
    reason = forms.CharField(
        label=_("Why their data is erased"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded in the audit log (without their address or name), e.g. "
            "“their request of 3 March” or “left the partner”."
        ),
    )
