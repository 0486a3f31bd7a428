from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.configuration.models import (
    AWARD_CATEGORY_FIELDS,
    FEE_SCHEDULE_FIELDS,
    PROGRAMME_PROFILE_FIELDS,
    AssessmentQuestion,
    AwardCategory,
    Benefit,
    CertificationRule,
    CertificationScheme,
    ContactPerson,
    FeeSchedule,
    Nominator,
    Obligation,
    PrivacyStatement,
    Programme,
    PublicFigure,
    SigningRound,
    Tier,
    WheelActivity,
)
from programmes.core.forms import TranslatedFieldsFormMixin
from programmes.core.i18n import language_name
from programmes.people.models import STAFF_ROLES, User


class ConfigurationForm(TranslatedFieldsFormMixin, forms.ModelForm):
    pass


class ProgrammeForm(ConfigurationForm):
    long_texts = ("description", "benefits_text", "expectations")
    benefits = forms.MultipleChoiceField(
        label=_("Benefits offered"),
        choices=Benefit.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    public_figures = forms.MultipleChoiceField(
        label=_("Figures shown on the public dashboard"),
        choices=PublicFigure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = PROGRAMME_PROFILE_FIELDS


class ContactPersonForm(ConfigurationForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "title", "email", "phone", "order"]


class TierForm(ConfigurationForm):
    long_texts = ("description",)

    class Meta:
        model = Tier
        fields = ["name", "description", "fee_schedule", "order"]


class FeeScheduleForm(ConfigurationForm):
    class Meta:
        model = FeeSchedule
        fields = FEE_SCHEDULE_FIELDS


class FeeBandForm(forms.Form):
    min_size = forms.IntegerField(label=_("From"), min_value=0)
    max_size = forms.IntegerField(
        label=_("To"), min_value=0, required=False, help_text=_("Empty: and more.")
    )
    amount = forms.DecimalField(label=_("Annual fee"), min_value=0, decimal_places=2)


FeeBandFormSet = forms.formset_factory(FeeBandForm, extra=2, can_delete=True)


class CertificationSchemeForm(forms.ModelForm):
    class Meta:
        model = CertificationScheme
        fields = ["name", "website", "is_active"]

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class CertificationRuleForm(ConfigurationForm):
    class Meta:
        model = CertificationRule
        fields = ["description", "schemes", "within_months", "plan_counts", "tiers"]
        widgets = {"schemes": forms.CheckboxSelectMultiple, "tiers": forms.CheckboxSelectMultiple}


class ObligationForm(ConfigurationForm):
    long_texts = ("text",)

    class Meta:
        model = Obligation
        fields = ["kind", "text", "tiers", "order"]
        widgets = {"tiers": forms.CheckboxSelectMultiple}


class SigningRoundForm(ConfigurationForm):
    class Meta:
        model = SigningRound
        fields = [
            "title",
            "starts_at",
            "place",
            "capacity",
            "signatory_name",
            "signatory_title",
            "booking_open",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            )
        }


class AwardCategoryForm(ConfigurationForm):
    long_texts = ("description", "prize_text")
    nominators = forms.MultipleChoiceField(
        label=_("Who may nominate"),
        choices=Nominator.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AwardCategory
        fields = AWARD_CATEGORY_FIELDS
        widgets = {
            "nomination_opens": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "nomination_closes": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "jurors": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jurors"].queryset = User.objects.filter(role__in=STAFF_ROLES)
        self.fields["jurors"].required = False


class CriterionForm(forms.Form):
    """One scoring criterion: its name in each language and its weight."""

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        for position, code in enumerate(languages):
            self.fields[f"name__{code}"] = forms.CharField(
                label=_("Criterion (%(language)s)") % {"language": language_name(code)},
                required=position == 0,
                widget=forms.TextInput(attrs={"lang": code}),
            )
        self.fields["weight"] = forms.IntegerField(label=_("Weight"), min_value=1, max_value=100)

    def as_criterion(self) -> dict[str, Any]:
        return {
            "name": {
                code: self.cleaned_data[f"name__{code}"].strip()
                for code in self.languages
                if self.cleaned_data.get(f"name__{code}", "").strip()
            },
            "weight": self.cleaned_data["weight"],
        }


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, can_delete=True)


class WheelActivityForm(ConfigurationForm):
    long_texts = ("description",)

    class Meta:
        model = WheelActivity
        fields = ["title", "description", "kind", "month"]


class AssessmentQuestionForm(ConfigurationForm):
    long_texts = ("suggestion",)

    class Meta:
        model = AssessmentQuestion
        fields = ["theme", "text", "answer_type", "unit", "suggestion", "order"]


class PrivacyStatementForm(ConfigurationForm):
    long_texts = ("text",)

    class Meta:
        model = PrivacyStatement
        fields = ["text"]


class ProgrammeFilesForm(forms.Form):
    symbol = forms.FileField(
        label=_("Partner symbol (PNG or SVG, at most 2 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/svg+xml"}),
    )
    guidelines = forms.FileField(
        label=_("Graphic guidelines (PDF, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
