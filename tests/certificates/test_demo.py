"""The demo tenants' environmental certificates: about half the active partners certified
from the programme's catalogue (Miljøfyrtårn first in Østfold), a few expiring, a couple
expired, a few planned; none where the catalogue is empty; the same every time."""

import datetime as dt
from collections import Counter

from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.certificates.demo import demo_certificates_create
from programmes.certificates.models import Certificate, CertificateStatus
from programmes.configuration.models import CertificationScheme, Programme
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Partner, Stage
from tenants.management.commands.load_demo import DEMO_PARTNERS
from tests.configuration.test_presets import onboard
from tests.conftest import World


def _fingerprint() -> list[tuple]:
    return list(
        Certificate.objects.order_by("partner__name", "scheme__name").values_list(
            "partner__name",
            "scheme__name",
            "planned",
            "planned_by",
            "number",
            "issued_on",
            "expires_on",
            "issuing_body",
        )
    )


def test_ostfold_partners_hold_a_realistic_mix(alpha: World, django_assert_max_num_queries):
    count = DEMO_PARTNERS["ostfold"]
    today = timezone.localdate()
    with tenant_context(onboard("ostfold")):
        demo_partners_create(country="NO", language="nb", count=count)
        with django_assert_max_num_queries(8):
            made = demo_certificates_create(country="NO")
        assert made == Certificate.objects.count() > 0
        warning_days = Programme.objects.get().certificate_warning_days
        catalogue = set(CertificationScheme.objects.values_list("pk", flat=True))
        assert set(Certificate.objects.values_list("scheme", flat=True)) <= catalogue

        active = Partner.objects.filter(stage=Stage.ACTIVE)
        statuses = Counter(
            c.status_on(today, warning_days)
            for c in Certificate.objects.filter(partner__stage=Stage.ACTIVE)
        )
        holding = statuses[CertificateStatus.VALID] + statuses[CertificateStatus.EXPIRING]
        assert 0.4 <= holding / active.count() <= 0.6
        assert 1 <= statuses[CertificateStatus.EXPIRING] <= active.count() * 0.2
        assert 1 <= statuses[CertificateStatus.EXPIRED] <= active.count() * 0.2
        assert 1 <= statuses[CertificateStatus.PLANNED] <= active.count() * 0.2
        # One certificate a partner at most; only partners that got as far as approval.
        assert Certificate.objects.values("partner").distinct().count() == made
        assert not Certificate.objects.exclude(
            partner__stage__in=[Stage.ACTIVE, Stage.ENDED, Stage.BOOKED, Stage.APPROVED]
        ).exists()
        assert not Certificate.objects.filter(
            partner__stage__in=[Stage.BOOKED, Stage.APPROVED], planned=False
        ).exists()

        # Miljøfyrtårn is by far the most common scheme.
        schemes = Counter(
            Certificate.objects.filter(planned=False).values_list("scheme__name", flat=True)
        )
        assert schemes.most_common(1)[0][0] == "Miljøfyrtårn"
        assert schemes["Miljøfyrtårn"] >= 0.5 * sum(schemes.values())

        # Held: numbered, issued by someone, issued in the past, valid for one to four years.
        for certificate in Certificate.objects.filter(planned=False).select_related("scheme"):
            assert certificate.number and certificate.issuing_body
            assert certificate.issued_on < today
            validity = (certificate.expires_on - certificate.issued_on).days
            assert 360 <= validity <= 4 * 366
            assert (today - certificate.issued_on).days <= 4 * 366
            if certificate.scheme.name == "Miljøfyrtårn":
                assert certificate.issuing_body == "Stiftelsen Miljøfyrtårn"
                assert certificate.number.isdigit()
            assert not certificate.document
        # Planned: by a date some months ahead, nothing else yet.
        for certificate in Certificate.objects.filter(planned=True):
            assert today < certificate.planned_by <= today + dt.timedelta(days=11 * 31)
            assert not (certificate.number or certificate.issued_on or certificate.expires_on)

        assert demo_certificates_create(country="NO") == 0  # idempotent
        before = _fingerprint()
        Certificate.objects.all().delete()
        demo_certificates_create(country="NO")
        assert _fingerprint() == before


def test_no_certificates_without_a_catalogue(alpha: World) -> None:
    count = DEMO_PARTNERS["hjorring"]
    with tenant_context(onboard("hjorring")):
        CertificationScheme.objects.update(is_active=False)  # none in use (the preset has none)
        demo_partners_create(country="DK", language="da", count=count)
        assert demo_certificates_create(country="DK") == 0
        assert not Certificate.objects.exists()


def test_schemes_fit_the_partner(alpha: World) -> None:
    """Any catalogue: schools get Green Flag, hotels the Swan, unknown schemes a number."""
    count = DEMO_PARTNERS["hjorring"]
    with tenant_context(onboard("hjorring")):
        for name in ("Grønt Flag", "Svanemærket", "ISO 14001", "Den Grønne Nøgle", "Local"):
            CertificationScheme.objects.get_or_create(name=name)
        demo_partners_create(country="DK", language="da", count=count)
        assert demo_certificates_create(country="DK") > 0
        held = Certificate.objects.filter(planned=False).select_related("partner", "scheme")
        for certificate in held:
            school = certificate.partner.kind == "school" or certificate.partner.sector == (
                "education"
            )
            if certificate.scheme.name == "Grønt Flag":
                assert school
                assert certificate.issuing_body == "Friluftsrådet – Grønt Flag"
            assert certificate.number
        assert "ISO 14001" in set(held.values_list("scheme__name", flat=True))
