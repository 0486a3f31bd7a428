"""Staff bring an existing programme over: upload, preview, confirm; and the templates.

Between preview and confirmation the uploaded tables wait in the session (server-side) under
a random token; the confirmation validates them again from scratch, so nothing the browser
sends back is trusted, and partners saved in the meantime are caught.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programmes.core.i18n import current_tenant
from programmes.core.uploads import XLSX_TYPE
from programmes.core.views import import_preview_keep, import_preview_take, role_required
from programmes.partners import importing
from programmes.partners.business_ids import business_id_display

staff_required = role_required("municipal_admin", "municipal_staff")
SESSION_KEY = "partner-import"
ACCEPT = f".csv,.xlsx,text/csv,{XLSX_TYPE}"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Partners (CSV or XLSX, at most 5 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    goals_file = forms.FileField(
        label=gettext_lazy("Goals (CSV or XLSX, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "An XLSX workbook may carry the goals in a second sheet named “%(name)s”."
        ) % {"name": capfirst(str(importing.SHEET_NAMES[importing.GOALS]))}


@staff_required
def import_partners(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST "preview": the partners that would be created, or every
    problem. POST "confirm": the import itself."""
    context: dict[str, Any] = {
        "partner_columns": importing.column_guide(importing.PARTNERS),
        "goal_columns": importing.column_guide(importing.GOALS),
    }
    if request.method == "POST" and request.POST.get("action") == "confirm":
        stored = import_preview_take(request, SESSION_KEY)
        if stored is None:
            expired = importing.Problem(_("The preview has expired: upload the file again."))
            context.update(form=ImportForm(), problems=[expired])
            return render(request, "partners/import.html", context)
        try:
            plan = importing.partners_import(
                actor=request.user, tables=importing.Tables.from_json(stored["tables"])
            )
        except importing.ImportRefused as refused:
            context.update(form=ImportForm(), problems=refused.problems)
            return render(request, "partners/import.html", context)
        count = len(plan.rows)
        messages.success(
            request,
            ngettext("%(count)s partner was imported.", "%(count)s partners were imported.", count)
            % {"count": count},
        )
        return redirect("partner-workspace")

    form = ImportForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            tables = importing.read_uploads(
                form.cleaned_data["file"], form.cleaned_data.get("goals_file")
            )
            plan = importing.partners_import(actor=request.user, tables=tables, dry_run=True)
        except importing.ImportRefused as refused:
            context["problems"] = refused.problems
        else:
            token = import_preview_keep(request, SESSION_KEY, {"tables": tables.as_json()})
            country = current_tenant().country
            context.update(
                plan=plan,
                token=token,
                rows=[
                    (row, business_id_display(row.partner["business_id"], country))
                    for row in plan.rows
                ],
            )
    return render(request, "partners/import.html", context)


@staff_required
def import_template_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(importing.template_xlsx(), XLSX_TYPE, "xlsx")


@staff_required
def import_template_csv(request: HttpRequest) -> HttpResponse:
    """The partners' CSV, or with ?sheet=goals the goals' CSV."""
    sheet = importing.GOALS if request.GET.get("sheet") == importing.GOALS else importing.PARTNERS
    return _download(
        importing.template_csv(sheet), "text/csv; charset=utf-8", "csv", stem=f"{sheet}-import"
    )


def _download(
    content: bytes, content_type: str, extension: str, stem: str = "partners-import"
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
