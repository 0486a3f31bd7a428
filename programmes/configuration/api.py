from django.db.models import QuerySet
from rest_framework import mixins, permissions, serializers

from programmes.configuration.models import Programme
from programmes.core.api import TenantScopedViewSet
from programmes.core.i18n import translated


class ProgrammeSerializer(serializers.ModelSerializer):
    name_text = serializers.SerializerMethodField(
        help_text="The name in the request's language, with the tenant's fallback."
    )

    class Meta:
        model = Programme
        fields = ["id", "name", "name_text", "description", "updated_at"]
        read_only_fields = fields

    def get_name_text(self, programme: Programme) -> str:
        return translated(programme.name)


class ProgrammeViewSet(mixins.ListModelMixin, TenantScopedViewSet):
    """The programme profile; public, for the municipality's website and integrators."""

    serializer_class = ProgrammeSerializer
    permission_classes = [permissions.AllowAny]

    def scoped_queryset(self, user: object) -> QuerySet[Programme]:
        return Programme.objects.all()
