"""Form helpers shared by every topic."""

from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from programmes.core.i18n import TranslatedField, formatting_locale, language_name
from programmes.core.spreadsheets import parse_number


class TranslatedFieldsFormMixin:
    """A ModelForm mixin: each TranslatedField of the model becomes one labelled input per
    language the tenant enables (primary language first, required where the field is), with
    a ``lang`` attribute so screen readers read each in its own language.

    Fields listed in ``long_texts`` get a textarea.
    """

    long_texts: tuple[str, ...] = ()

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.languages = languages
        self.translated_fields: dict[str, TranslatedField] = {}
        fields: dict[str, forms.Field] = {}
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            model_field = self._model_field(name)
            if not isinstance(model_field, TranslatedField):
                fields[name] = field
                continue
            self.translated_fields[name] = model_field
            current = getattr(self.instance, name, None) or {}  # type: ignore[attr-defined]
            widget = forms.Textarea if name in self.long_texts else forms.TextInput
            for position, code in enumerate(languages):
                fields[f"{name}__{code}"] = forms.CharField(
                    label=f"{field.label} ({language_name(code)})",
                    required=position == 0 and not model_field.blank,
                    initial=current.get(code, ""),
                    widget=widget(
                        attrs={"lang": code, **({"rows": 4} if name in self.long_texts else {})}
                    ),
                    help_text=field.help_text if position == 0 else "",
                )
        self.fields = fields  # type: ignore[attr-defined]

    def _model_field(self, name: str) -> Any:
        try:
            return self._meta.model._meta.get_field(name)  # type: ignore[attr-defined]
        except Exception:
            return None

    def translated_value(self, name: str) -> dict[str, str]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return {
            code: data[f"{name}__{code}"].strip()
            for code in self.languages
            if data.get(f"{name}__{code}", "").strip()
        }

    def _post_clean(self) -> None:
        for name, model_field in self.translated_fields.items():
            value = self.translated_value(name)
            setattr(self.instance, name, value)  # type: ignore[attr-defined]
            try:
                model_field.clean(value, self.instance)  # type: ignore[attr-defined]
            except ValidationError as error:
                target = f"{name}__{self.languages[0]}"
                if target not in self.errors:  # type: ignore[attr-defined]
                    self.add_error(target, error)  # type: ignore[attr-defined]
        super()._post_clean()  # type: ignore[misc]


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field messages on their fields (or on
    the primary-language input of a translated field), the rest at the top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, messages)
            continue
        languages = getattr(form, "languages", [])
        translated = f"{field}__{languages[0]}" if languages else ""
        form.add_error(translated if translated in form.fields else None, messages)


class LocalDecimalField(forms.DecimalField):
    """A number typed as the tenant's locale writes it (12,5 and 52.000 in Danish; 12.5 and
    52000 too), read with Babel like the imports; shown without grouping for editing.
    (Django's own localised input would read a Danish 52.000 as 52.)"""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_number(str(value).strip(), formatting_locale())
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_decimal(value, format="0.###", locale=formatting_locale())
        return value


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python instead of Django's widget templates, which render
    one template per option: for filter forms on pages with a time budget (the operator
    console's tenant list, issue 11: ≤ 10 ms at 1,100 tenants). Flat choices only. Takes
    the same attributes (id, aria-describedby, aria-invalid) the bound field passes."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )
