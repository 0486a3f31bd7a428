from django_tenants.utils import tenant_context

from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Partner, Stage, StageChange
from tests.configuration.test_presets import onboard
from tests.conftest import World


def test_demo_partners_cover_every_stage_with_valid_ids(alpha: World) -> None:
    with tenant_context(onboard("hjorring")):
        assert demo_partners_create(country="DK", language="da", count=47) == 47
        assert set(Partner.objects.values_list("stage", flat=True)) == set(Stage.values)
        assert StageChange.objects.count() == 47
        assert demo_partners_create(country="DK", language="da", count=47) == 0  # idempotent


def test_member_municipalities_for_klimatkommunerna(alpha: World) -> None:
    with tenant_context(onboard("klimatkommunerna")):
        assert (
            demo_partners_create(country="SE", language="sv", count=40, municipalities=True) == 40
        )
        assert not Partner.objects.filter(inhabitants__isnull=True).exists()
