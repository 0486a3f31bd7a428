"""Segment selection: each criterion alone and combined, ended partners never, the empty
segment, invalid criteria refused, one query whatever the criteria."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from programmes.certificates.models import Certificate, CertificateStatus
from programmes.certificates.selectors import certificates_entering_expiry
from programmes.communication.segments import segment_clean
from programmes.communication.selectors import partners_in_segment, segment_description
from programmes.configuration.models import Programme as ProgrammeProfile
from programmes.followups.models import FollowUp, FollowUpStatus
from tests.communication.conftest import Programme, expiring_certificate
from tests.conftest import World

EVERYONE_BUT_ENDED = {"partner", "other", "builder", "energy", "applicant"}


def _selected(programme: Programme, criteria: dict, django_assert_num_queries) -> set[str]:
    with tenant_context(programme.world.tenant):
        cleaned = segment_clean(criteria)
        ProgrammeProfile.objects.exists()  # the schema's search_path is set by a first query
        with django_assert_num_queries(1):
            rows = list(partners_in_segment(cleaned))
    by_name = {partner.name: key for key, partner in programme.partners.items()}
    return {by_name[partner.name] for partner in rows}


def test_the_empty_segment_is_every_partner_that_has_not_ended(
    programme: Programme, django_assert_num_queries
) -> None:
    assert _selected(programme, {}, django_assert_num_queries) == EVERYONE_BUT_ENDED


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"stages": ["active"]}, {"partner", "other", "builder", "energy"}),
        ({"stages": ["applied"]}, {"applicant"}),
        ({"stages": ["applied", "active"]}, EVERYONE_BUT_ENDED),
        ({"sectors": ["construction"]}, {"builder", "applicant"}),
        ({"sectors": ["construction", "energy"]}, {"builder", "energy", "applicant"}),
        ({"sectors": ["finance"]}, set()),
    ],
)
def test_each_criterion_alone(
    programme: Programme, criteria: dict, expected: set[str], django_assert_num_queries
) -> None:
    assert _selected(programme, criteria, django_assert_num_queries) == expected


def test_tiers(programme: Programme, django_assert_num_queries) -> None:
    gold, silver = programme.gold.pk, programme.silver.pk
    assert _selected(programme, {"tiers": [gold]}, django_assert_num_queries) == {
        "builder",
        "applicant",
    }
    assert _selected(programme, {"tiers": [gold, silver]}, django_assert_num_queries) == {
        "builder",
        "energy",
        "applicant",
    }


def test_not_reported_this_year_means_no_answered_follow_up_for_the_year(
    programme: Programme, django_assert_num_queries
) -> None:
    with tenant_context(programme.world.tenant):
        # The other partner's follow-up is open (not answered), the builder answered.
        for key, status in (("other", FollowUpStatus.OPEN), ("builder", FollowUpStatus.SUBMITTED)):
            FollowUp.objects.create(
                partner=programme.partners[key],
                year=2026,
                status=status,
                opened_at=timezone.now(),
                due_on=timezone.localdate(),
            )
    # "partner" answered for 2025 (tests/conftest.py) but not 2026.
    assert _selected(programme, {"not_reported_year": 2026}, django_assert_num_queries) == (
        EVERYONE_BUT_ENDED - {"builder"}
    )
    assert _selected(programme, {"not_reported_year": 2025}, django_assert_num_queries) == (
        EVERYONE_BUT_ENDED - {"partner"}
    )


def test_certificate_expiring_follows_the_programmes_warning_window(
    programme: Programme, django_assert_num_queries
) -> None:
    with tenant_context(programme.world.tenant):
        ProgrammeProfile.objects.update(certificate_warning_days=30)
        expiring_certificate(programme.partners["energy"], days=29)  # inside the window
        expiring_certificate(programme.partners["builder"], days=30)  # just outside
        expiring_certificate(programme.partners["applicant"], days=0)  # last valid day
        renewed = expiring_certificate(programme.partners["other"], days=5)
        expiring_certificate(programme.partners["other"], days=900)  # renewed it
        expiring_certificate(programme.partners["ended"], days=5)  # ended: never
        Certificate.objects.create(
            partner=programme.partners["partner"],
            scheme=renewed.scheme,
            planned=True,
            planned_by=timezone.localdate() + dt.timedelta(days=5),
        )
        # The same partners the certificate reminders write to.
        reminded = {
            c.partner.name
            for c in certificates_entering_expiry(today=timezone.localdate(), warning_days=30)
        }
        assert all(
            c.status_on(timezone.localdate(), 30) == CertificateStatus.EXPIRING
            for c in certificates_entering_expiry(today=timezone.localdate(), warning_days=30)
        )
    selected = _selected(programme, {"certificate_expiring": True}, django_assert_num_queries)
    assert selected == {"energy", "applicant"}
    assert {programme.partners[key].name for key in selected} == reminded


def test_criteria_combine_with_and(programme: Programme, django_assert_num_queries) -> None:
    with tenant_context(programme.world.tenant):
        expiring_certificate(programme.partners["builder"])
        expiring_certificate(programme.partners["applicant"])
    gold = programme.gold.pk
    combined = {"stages": ["active"], "tiers": [gold], "sectors": ["construction"]}
    assert _selected(programme, combined, django_assert_num_queries) == {"builder"}
    every = {
        **combined,
        "not_reported_year": 2026,
        "certificate_expiring": True,
    }
    assert _selected(programme, every, django_assert_num_queries) == {"builder"}
    assert (
        _selected(
            programme, {"stages": ["applied"], "sectors": ["energy"]}, django_assert_num_queries
        )
        == set()
    )


def test_ended_partners_are_never_in_a_segment(
    programme: Programme, django_assert_num_queries
) -> None:
    with tenant_context(programme.world.tenant):
        expiring_certificate(programme.partners["ended"])
    gold = programme.gold.pk
    for criteria in (
        {},
        {"tiers": [gold]},
        {"sectors": ["construction"]},
        {"not_reported_year": 2026},
        {"certificate_expiring": True},
    ):
        assert "ended" not in _selected(programme, criteria, django_assert_num_queries)
    with tenant_context(programme.world.tenant), pytest.raises(ValidationError):
        segment_clean({"stages": ["ended"]})


@pytest.mark.parametrize(
    "criteria",
    [
        {"tiers": [999999]},
        {"tiers": ["gold"]},
        {"stages": ["signed"]},
        {"sectors": ["mining"]},
        {"not_reported_year": "last year"},
        {"not_reported_year": 1900},
        {"certificate_expiring": "yes"},
        {"colour": "green"},
        ["active"],
    ],
)
def test_invalid_criteria_are_refused_by_name(alpha: World, criteria: object) -> None:
    with tenant_context(alpha.tenant), pytest.raises(ValidationError) as raised:
        segment_clean(criteria)
    assert "segment" in raised.value.message_dict


def test_a_tier_of_another_tenant_is_unknown(alpha: World, beta: World) -> None:
    from programmes.configuration.models import Tier

    with tenant_context(beta.tenant):
        betas = Tier.objects.create(name={"sv": "BETA-MARKER tier"})
    with tenant_context(alpha.tenant):
        Tier.objects.filter(pk=betas.pk).delete()  # make sure alpha has no tier of that id
        with pytest.raises(ValidationError):
            segment_clean({"tiers": [betas.pk]})


def test_the_description_names_every_criterion(programme: Programme) -> None:
    with tenant_context(programme.world.tenant):
        lines = segment_description(
            {
                "stages": ["active"],
                "tiers": [programme.gold.pk],
                "sectors": ["energy"],
                "not_reported_year": 2026,
                "certificate_expiring": True,
            }
        )
    assert len(lines) == 5
    assert "2026" in lines[3]
