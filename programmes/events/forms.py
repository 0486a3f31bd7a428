from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.configuration.models import ActivityKind, WheelActivity
from programmes.core.forms import TranslatedFieldsFormMixin
from programmes.events.models import EVENT_KINDS, Event, Registration

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(TranslatedFieldsFormMixin, forms.ModelForm):
    """The fields of an event, times in the tenant's time zone (the view activates it); the
    rules (end after start, a place or link, places) are the service's."""

    long_texts = ("description",)

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "kind",
            "wheel_activity",
            "starts_at",
            "ends_at",
            "place",
            "online_url",
            "capacity",
            "counts_as_main_event",
            "published",
        ]
        widgets = {"starts_at": DATETIME_INPUT, "ends_at": DATETIME_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = dict(ActivityKind.choices)
        self.fields["kind"].choices = [("", "—"), *((k.value, kinds[k]) for k in EVENT_KINDS)]
        self.fields["wheel_activity"].queryset = WheelActivity.objects.filter(kind__in=EVENT_KINDS)
        self.fields["wheel_activity"].empty_label = "—"
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean(self) -> dict[str, Any]:
        """End after start, on the field (the service says the same for the API); without
        it the model's constraint would be reported for the whole form. Constraints and
        uniqueness are the service's and the database's (no queries here)."""
        data = super().clean()
        self._validate_unique = self._validate_constraints = False
        starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The event must end after it starts."))
        return data


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the event is cancelled"),
        help_text=_("The registered people and those on the waiting list are told this."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AttendanceForm(forms.Form):
    """One checkbox per registration of the event (the template draws them in a table)."""

    attended = forms.TypedMultipleChoiceField(
        label=_("Attended"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, registrations: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(r.pk, r.name) for r in registrations]
        if not self.is_bound:
            self.initial["attended"] = [r.pk for r in registrations if r.attended]


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
