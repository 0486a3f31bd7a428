"""The demo directory: about four in five active demo partners are listed, with a mix of
published items and a description in the tenant's primary language; a second run changes
nothing; the directory shows them in the Danish alphabet."""

import re

from django.test import Client
from django_tenants.utils import tenant_context

from programmes.directory.demo import demo_directory_create
from programmes.directory.sorting import sorted_names
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Partner, Publication, Stage
from programmes.partners.selectors import public_partners
from tenants.management.commands.load_demo import DEMO_PARTNERS
from tenants.models import Domain
from tests.configuration.test_presets import onboard
from tests.conftest import World


def test_the_demo_lists_most_active_partners_with_a_mix_of_items(alpha: World) -> None:
    tenant = onboard("hjorring")
    with tenant_context(tenant):
        demo_partners_create(country="DK", language="da", count=DEMO_PARTNERS["hjorring"])
        # Made public by hand before the demo runs: keeps its choice.
        chosen = Partner.objects.filter(stage=Stage.ACTIVE).order_by("pk").first()
        chosen.public_fields = [Publication.DIRECTORY]
        chosen.save(update_fields=["public_fields"])
        before = {p.pk: list(p.public_fields) for p in Partner.objects.all()}
        demo_directory_create(slug="hjorring", country="DK", language="da")
        active = Partner.objects.filter(stage=Stage.ACTIVE)
        shown = list(public_partners())
        assert 0.65 <= len(shown) / active.count() <= 0.95
        assert not Partner.objects.exclude(stage=Stage.ACTIVE).exclude(public_fields=[]).exists()
        published = {item for partner in shown for item in partner.public_fields}
        assert published >= set(Publication.values) - {Publication.LOGO}
        for partner in shown:
            if Publication.DESCRIPTION in partner.public_fields:
                assert partner.name in partner.description["da"]
            if Publication.WEBSITE in partner.public_fields:
                assert partner.website.startswith("https://www.")
        chosen.refresh_from_db()
        assert chosen.public_fields == [Publication.DIRECTORY]
        after = {p.pk: list(p.public_fields) for p in Partner.objects.all()}
        assert after != before
        demo_directory_create(slug="hjorring", country="DK", language="da")
        assert {p.pk: list(p.public_fields) for p in Partner.objects.all()} == after
        host = Domain.objects.filter(tenant=tenant).values_list("domain", flat=True).first()
    body = Client(HTTP_HOST=host).get("/directory/").content.decode()
    names = re.findall(r'<h2 class="directory-name"><a [^>]*>([^<]+)</a>', body)
    assert len(names) == min(len(shown), 50)
    assert names == sorted_names(names, locale="da_DK")
