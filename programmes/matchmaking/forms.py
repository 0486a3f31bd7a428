"""Matchmaking forms: they parse input; the rules are the services'."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.core.forms import TranslatedFieldsFormMixin
from programmes.core.i18n import translated
from programmes.matchmaking.models import Meeting, Session, Tag
from programmes.partners.models import Partner, Stage


class TagChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Tag) -> str:
        return translated(obj.name)


class TagForm(TranslatedFieldsFormMixin, forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "is_active"]


class ProfileForm(forms.Form):
    offers = TagChoiceField(
        label=_("We offer"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seeks = TagChoiceField(
        label=_("We seek"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interests = TagChoiceField(
        label=_("We are interested in"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    offers_text = forms.CharField(
        label=_("What we offer, in our own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    seeks_text = forms.CharField(
        label=_("What we seek, in our own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    do_not_match = forms.ModelMultipleChoiceField(
        label=_("Do not match us with"),
        help_text=_("These organisations are never put at a table with yours."),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, partner: Partner, kept: dict[str, set[int]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("offers", "seeks", "interests"):
            # Tags in use, and the retired ones the profile already has.
            self.fields[name].queryset = Tag.objects.filter(
                Q(is_active=True) | Q(pk__in=kept.get(name, set()))
            ).order_by("pk")
        self.fields["do_not_match"].queryset = (
            Partner.objects.exclude(pk=partner.pk)
            .filter(Q(stage=Stage.ACTIVE) | Q(pk__in=kept.get("do_not_match", set())))
            .order_by("name")
        )


class SessionForm(TranslatedFieldsFormMixin, forms.ModelForm):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"),
        help_text=_("Leave empty for every active partner with a matchmaking profile."),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Session
        fields = [
            "title",
            "date",
            "starts_at",
            "place",
            "rounds",
            "meeting_minutes",
            "break_minutes",
            "tables",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = (
            set(self.instance.participants.values_list("pk", flat=True))
            if (self.instance.pk)
            else set()
        )
        self.fields["participants"].queryset = Partner.objects.filter(
            Q(stage=Stage.ACTIVE) | Q(pk__in=chosen)
        ).order_by("name")
        self.fields["participants"].initial = list(chosen)


class MeetingMoveForm(forms.Form):
    round = forms.IntegerField(label=_("Round"), min_value=1)
    table = forms.IntegerField(label=_("Table"), min_value=1)


class MeetingSwapForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("Swap with the meeting"), queryset=Meeting.objects.none()
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["other"]
        field.queryset = (
            Meeting.objects.filter(session_id=meeting.session_id)
            .exclude(pk=meeting.pk)
            .select_related("partner_a", "partner_b")
        )
        field.label_from_instance = lambda m: (
            _("Round %(round)s, table %(table)s: %(a)s – %(b)s")
            % {"round": m.round, "table": m.table, "a": m.partner_a.name, "b": m.partner_b.name}
        )


class MeetingAddForm(forms.Form):
    round = forms.IntegerField(label=_("Round"), min_value=1)
    table = forms.IntegerField(label=_("Table"), min_value=1)
    partner_a = forms.ModelChoiceField(label=_("Organisation"), queryset=Partner.objects.none())
    partner_b = forms.ModelChoiceField(
        label=_("Meets organisation"), queryset=Partner.objects.none()
    )

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_a"].queryset = participants
        self.fields["partner_b"].queryset = participants
