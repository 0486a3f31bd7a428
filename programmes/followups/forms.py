from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.followups.models import FollowUpStatus, ProgressStatus
from programmes.followups.services import ProgressAnswer
from programmes.partners.forms import GoalForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FollowUpForm(forms.Form):
    """One group of fields per running goal (its status field is named ``goal_<id>``, the
    key the service reports its errors under), then the support the partner needs."""

    support_needed = forms.CharField(
        label=_("What support do you need from the municipality?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, goals: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            key = f"goal_{goal.pk}"
            self.fields[key] = forms.ChoiceField(
                label=_("How is it going?"), choices=[("", "—"), *ProgressStatus.choices]
            )
            self.fields[f"{key}_value"] = forms.DecimalField(
                label=_("Value reached (%(unit)s)") % {"unit": goal.unit},
                required=False,
                max_digits=14,
                decimal_places=2,
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"{key}_revised_value"] = forms.DecimalField(
                label=_("Revised target value (optional)"),
                required=False,
                max_digits=14,
                decimal_places=2,
            )
            self.fields[f"{key}_revised_date"] = forms.DateField(
                label=_("Revised target date (optional)"), required=False, widget=DATE_INPUT
            )
        # The support field last.
        self.fields["support_needed"] = self.fields.pop("support_needed")

    def goal_rows(self) -> list[tuple[Any, list[forms.BoundField]]]:
        suffixes = ("", "_value", "_comment", "_revised_value", "_revised_date")
        return [
            (goal, [self[f"goal_{goal.pk}{suffix}"] for suffix in suffixes]) for goal in self.goals
        ]

    def answers(self) -> list[ProgressAnswer]:
        data = self.cleaned_data
        return [
            ProgressAnswer(
                goal_id=goal.pk,
                status=data[f"goal_{goal.pk}"],
                value_reached=data[f"goal_{goal.pk}_value"],
                comment=data[f"goal_{goal.pk}_comment"].strip(),
                revised_target_value=data[f"goal_{goal.pk}_revised_value"],
                revised_target_date=data[f"goal_{goal.pk}_revised_date"],
            )
            for goal in self.goals
        ]


class NewGoalForm(GoalForm):
    """An optional new goal proposed with the follow-up: left empty, it is ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *args, prefix="new_goal", empty_permitted=True, use_required_attribute=False, **kwargs
        )


class OverviewFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *FollowUpStatus.choices, ("overdue", _("Overdue"))],
    )
    q = forms.CharField(label=_("Search"), required=False)


class OpenFollowUpsForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
