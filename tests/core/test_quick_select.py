"""core.forms.QuickSelect writes the same <select> as Django's Select widget, faster."""

import pytest
from django import forms
from django.test.html import parse_html

from programmes.core.forms import QuickSelect

CHOICES = [("", "Every country"), ("DK", "Danmark <script>"), ("SE", "Sverige & co")]


class _Filters(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=False, help_text="Which one")
    quick = forms.ChoiceField(
        choices=CHOICES, required=False, help_text="Which one", widget=QuickSelect
    )


@pytest.mark.parametrize("value", ["SE", "", "XX"])
def test_quick_select_renders_what_django_renders(value: str) -> None:
    form = _Filters({"django": value, "quick": value})
    form.is_valid()
    ours = str(form["quick"]).replace("quick", "FIELD")
    theirs = str(form["django"]).replace("django", "FIELD")
    assert parse_html(ours) == parse_html(theirs)
    assert "&lt;script&gt;" in ours
    assert ('aria-invalid="true"' in ours) == (value == "XX")
    assert ('value="SE" selected' in ours) == (value == "SE")
