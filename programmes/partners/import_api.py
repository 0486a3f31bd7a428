"""POST /api/v1/partners/import/: the same import as the staff page, in one request
(``dry_run=true`` gives the preview). Wired as an action of ``PartnerViewSet``."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from programmes.partners import importing


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The partners: CSV or XLSX (a Goals sheet may follow).")
    goals_file = serializers.FileField(required=False, help_text="The goals: CSV or XLSX.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Only check the files and show what would be created."
    )


class ImportedPartnerSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    name = serializers.CharField()
    business_id = serializers.CharField()
    stage = serializers.CharField()
    joined_on = serializers.DateField(allow_null=True)
    contact_email = serializers.EmailField()
    goals = serializers.IntegerField(help_text="Number of goals.")


class ImportResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    created = serializers.IntegerField(help_text="Partners created (0 on a dry run).")
    goals = serializers.IntegerField()
    ignored_columns = serializers.ListField(child=serializers.CharField())
    partners = ImportedPartnerSerializer(many=True)


class ImportProblemSerializer(serializers.Serializer):
    sheet = serializers.ChoiceField(choices=[importing.PARTNERS, importing.GOALS])
    row = serializers.IntegerField(allow_null=True, help_text="The spreadsheet's row number.")
    column = serializers.CharField(help_text="The column's key, e.g. business_id.")
    label = serializers.CharField(help_text="The column's name in the request's language.")
    message = serializers.CharField(help_text='E.g. "Row 4, business id: …".')


class ImportErrorsSerializer(serializers.Serializer):
    errors = ImportProblemSerializer(many=True)


IMPORT_SCHEMA: dict[str, Any] = {
    "request": {"multipart/form-data": ImportRequestSerializer},
    "responses": {
        200: OpenApiResponse(ImportResultSerializer, description="The preview (dry run)."),
        201: OpenApiResponse(ImportResultSerializer, description="Everything was imported."),
        400: OpenApiResponse(
            ImportErrorsSerializer, description="Every problem; nothing was imported."
        ),
    },
}


def import_partners(request: Request) -> Response:
    upload = ImportRequestSerializer(data=request.data)
    upload.is_valid(raise_exception=True)
    data = upload.validated_data
    try:
        tables = importing.read_uploads(data["file"], data.get("goals_file"))
        plan = importing.partners_import(actor=request.user, tables=tables, dry_run=data["dry_run"])
    except importing.ImportRefused as refused:
        return Response(
            {"errors": [problem.as_dict() for problem in refused.problems]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    result = ImportResultSerializer(
        {
            "dry_run": data["dry_run"],
            "created": 0 if data["dry_run"] else len(plan.rows),
            "goals": plan.goal_count,
            "ignored_columns": plan.ignored_columns,
            "partners": [row.as_dict() for row in plan.rows],
        }
    )
    return Response(
        result.data, status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED
    )
