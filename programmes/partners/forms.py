from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.core.forms import TranslatedFieldsFormMixin
from programmes.core.i18n import language_name
from programmes.partners.models import (
    GOAL_FIELDS,
    ContactRole,
    EndReason,
    Goal,
    OrganisationKind,
    Partner,
    Publication,
    Sector,
    Stage,
)


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    business_id = forms.CharField(label=_("Business id"), max_length=20)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=OrganisationKind.choices)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    employees = forms.IntegerField(label=_("Number of employees"), min_value=0, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    city = forms.CharField(label=_("Town or city"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    phone = forms.CharField(label=_("Your phone number"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language for documents and e-mails"))
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [(code, language_name(code)) for code in languages]


class WorkspaceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )
    unresponsive = forms.BooleanField(label=_("Only unresponsive"), required=False)


class TransitionForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    end_reason = forms.ChoiceField(
        label=_("Why it ends"),
        required=False,
        choices=[(value, label) for value, label in EndReason.choices if value != "left"],
    )


class PartnerProfileForm(TranslatedFieldsFormMixin, forms.ModelForm):
    long_texts = ("description",)
    public_fields = forms.MultipleChoiceField(
        label=_("Show publicly"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Publication.choices,
        help_text=_(
            "Nothing about your organisation is public until you choose the first option; "
            "the others add to your page in the municipality's partner directory."
        ),
    )
    logo_upload = forms.FileField(
        label=_("New logo (PNG or SVG, at most 2 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )

    class Meta:
        model = Partner
        fields = [
            "name",
            "website",
            "street",
            "postcode",
            "city",
            "employees",
            "sector",
            "description",
            "language",
            "public_fields",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(
            label=_("Language for documents and e-mails"),
            choices=[(code, language_name(code)) for code in self.languages],
        )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ContactRole.choices)


ContactFormSet = forms.formset_factory(ContactForm, extra=1, can_delete=True)


class ColleagueForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("partner_member", _("Partner member")), ("partner_admin", _("Partner admin"))],
    )


class AssessmentForm(forms.Form):
    """One field per question of the programme, labelled in the active language."""

    def __init__(
        self, *args: Any, questions: list[Any], answers: dict[int, Any], **kwargs: Any
    ) -> None:
        from programmes.configuration.models import AnswerType
        from programmes.core.i18n import translated

        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            label = translated(question.text)
            if question.unit:
                label = f"{label} ({question.unit})"
            initial = answers.get(question.pk)
            if question.answer_type == AnswerType.YES_NO:
                field: forms.Field = forms.TypedChoiceField(
                    choices=[("yes", _("Yes")), ("no", _("No"))],
                    widget=forms.RadioSelect,
                    coerce=lambda value: value == "yes",
                    initial={True: "yes", False: "no"}.get(initial),
                )
            elif question.answer_type == AnswerType.SCALE:
                field = forms.TypedChoiceField(
                    choices=[(str(n), str(n)) for n in range(1, 6)],
                    widget=forms.RadioSelect,
                    coerce=int,
                    initial=str(initial) if initial else None,
                    help_text=_("1 = not at all, 5 = fully"),
                )
            elif question.answer_type == AnswerType.NUMBER:
                field = forms.FloatField(min_value=0, initial=initial)
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), initial=initial)
            field.label = label
            self.fields[f"question_{question.pk}"] = field

    def answers(self) -> dict[int, Any]:
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}") for q in self.questions}


class GoalForm(forms.ModelForm):
    # One of the programme's active climate actions (grouped by theme), or none.
    action = forms.ChoiceField(
        label=_("Based on the action"),
        required=False,
        help_text=_("Optional: the programme's climate action this goal carries out."),
        error_messages={"invalid_choice": _("Choose one of the programme's current actions.")},
    )

    class Meta:
        model = Goal
        fields = ("action", *GOAL_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from programmes.actions.selectors import actions_offered_sorted, by_theme
        from programmes.core.i18n import translated

        super().__init__(*args, **kwargs)
        offered = actions_offered_sorted()
        current = self.instance.action if self.instance.action_id else None
        if current is not None and current.pk not in {action.pk for action in offered}:
            offered.append(current)  # an archived action the goal is already based on
        self.actions = {str(action.pk): action for action in offered}
        self.fields["action"].choices = [
            ("", _("None")),
            *(
                (group.label, [(str(a.pk), translated(a.title)) for a in group.actions])
                for group in by_theme(offered)
            ),
        ]
        if not offered:
            del self.fields["action"]

    def clean_action(self) -> Any:
        return self.actions.get(self.cleaned_data.get("action") or "")


class GoalCommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
