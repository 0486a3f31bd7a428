"""Certificates of the test tenants' partners: a small catalogue, rules, sample files."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from programmes.certificates.models import Certificate
from programmes.configuration.models import CertificationRule, CertificationScheme, Tier
from programmes.partners.models import Partner
from tests.conftest import World

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def image_bytes(kind: str, size: tuple[int, int] = (8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, format=kind)
    return buffer.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@dataclass
class Catalogue:
    """Alpha's catalogue and rules: Miljøfyrtårn and ISO 14001 in use, EMAS retired."""

    world: World
    lighthouse: CertificationScheme
    iso: CertificationScheme
    emas: CertificationScheme
    partner: Partner  # has the partner admin and member
    other: Partner  # has the other partner's member

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def certificate(self, partner: Partner | None = None, **fields: object) -> Certificate:
        """A held certificate of the partner (Miljøfyrtårn, valid for years) unless told."""
        today = self.today
        values: dict[str, object] = {
            "partner": partner or self.partner,
            "scheme": self.lighthouse,
            "number": "4711",
            "issued_on": today - dt.timedelta(days=400),
            "expires_on": today + dt.timedelta(days=700),
            "issuing_body": "Stiftelsen Miljøfyrtårn",
        }
        values.update(fields)
        return Certificate.objects.create(**values)

    def planned(self, partner: Partner | None = None, **fields: object) -> Certificate:
        values: dict[str, object] = {
            "partner": partner or self.partner,
            "scheme": self.iso,
            "planned": True,
            "planned_by": self.today + dt.timedelta(days=120),
        }
        values.update(fields)
        return Certificate.objects.create(**values)


def make_catalogue(world: World) -> Catalogue:
    """Call inside the world's tenant_context."""
    marker = world.marker
    return Catalogue(
        world=world,
        lighthouse=CertificationScheme.objects.create(name=f"{marker} Miljøfyrtårn"),
        iso=CertificationScheme.objects.create(name=f"{marker} ISO 14001"),
        emas=CertificationScheme.objects.create(name=f"{marker} EMAS", is_active=False),
        partner=Partner.objects.get(name=f"{marker} partner"),
        other=Partner.objects.get(name=f"{marker} other partner"),
    )


@pytest.fixture
def catalogue(alpha: World) -> Catalogue:
    with tenant_context(alpha.tenant):
        return make_catalogue(alpha)


def rule(
    *schemes: CertificationScheme,
    months: int = 12,
    plan_counts: bool = False,
    tiers: tuple[Tier, ...] = (),
    text: str = "Environmental certification",
) -> CertificationRule:
    created = CertificationRule.objects.create(
        description={"da": text, "en": text}, within_months=months, plan_counts=plan_counts
    )
    created.schemes.set(schemes)
    created.tiers.set(tiers)
    return created
