"""The directory's search and filters (a GET form, shared by the page and the API)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.directory.selectors import (
    SEARCH_LENGTH,
    DirectoryQuery,
    FilterOptions,
    Order,
)

ORDER_CHOICES = [
    (Order.NAME, _("Name, A to Z")),
    (Order.NAME_DESCENDING, _("Name, Z to A")),
]


class DirectoryFilterForm(forms.Form):
    """Unknown values (a sector nobody publishes, a tier id of nothing, ``page=abc``) are
    errors of their field; the directory then leaves that filter out and says why."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_LENGTH,
        help_text=_("A name, or a word of a partner's description."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    tier = forms.TypedChoiceField(label=_("Tier"), required=False, coerce=int, empty_value=None)
    scheme = forms.TypedChoiceField(
        label=_("Certification"), required=False, coerce=int, empty_value=None
    )
    awarded = forms.BooleanField(label=_("Award winners only"), required=False)
    order = forms.ChoiceField(label=_("Sort by"), required=False, choices=ORDER_CHOICES)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)

    def __init__(self, data: Any, *, options: FilterOptions) -> None:
        super().__init__(data)
        self.fields["sector"].choices = [("", _("All sectors")), *options.sectors]
        self.fields["tier"].choices = [("", _("All tiers")), *options.tiers]
        self.fields["scheme"].choices = [("", _("Any certification")), *options.schemes]

    def directory_query(self) -> DirectoryQuery:
        """The query made of the valid fields; an invalid field is left out."""
        self.is_valid()
        data = self.cleaned_data
        return DirectoryQuery(
            text=" ".join((data.get("q") or "").split()),
            sector=data.get("sector") or "",
            tier=data.get("tier"),
            scheme=data.get("scheme"),
            awarded=bool(data.get("awarded")),
            order=data.get("order") or Order.NAME,
        )

    def page_number(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("page") or 1

    def error_messages_by_field(self) -> dict[str, list[str]]:
        return {name: [str(error) for error in errors] for name, errors in self.errors.items()}
