from typing import Any

from django.db.models import Count, Value
from django.utils import timezone

from programmes.configuration.models import (
    AwardCategory,
    ContactPerson,
    PrivacyStatement,
    Programme,
    SigningRound,
    Tier,
    WheelActivity,
)


def programme_charges_fees() -> bool:
    """Whether any tier has a fee schedule that is not free (one query)."""
    from programmes.configuration.models import FeeKind

    return (
        Tier.objects.exclude(fee_schedule__isnull=True)
        .exclude(fee_schedule__kind=FeeKind.FREE)
        .exists()
    )


def programme_current() -> Programme | None:
    return Programme.objects.first()


def privacy_statement_in_force() -> PrivacyStatement | None:
    return PrivacyStatement.objects.filter(published_at__isnull=False).order_by("-version").first()


def open_signing_rounds() -> list[SigningRound]:
    return list(SigningRound.objects.filter(booking_open=True, starts_at__gt=timezone.now())[:4])


def programme_overview() -> dict[str, Any]:
    """What the programme's home page shows; a fixed number of queries."""
    return {
        "programme": programme_current(),
        "tiers": list(Tier.objects.select_related("fee_schedule")),
        "contacts": list(ContactPerson.objects.all()),
        "signing_rounds": open_signing_rounds(),
        "wheel": list(WheelActivity.objects.all()),
    }


def configuration_counts() -> dict[str, int]:
    """Rows per configuration section, in one query (a UNION ALL of counts)."""
    from programmes.configuration.models import (
        AssessmentQuestion,
        CertificationRule,
        CertificationScheme,
        FeeSchedule,
        Obligation,
    )

    models = {
        "contacts": ContactPerson,
        "fees": FeeSchedule,
        "tiers": Tier,
        "certification-schemes": CertificationScheme,
        "certification-rules": CertificationRule,
        "obligations": Obligation,
        "signing-rounds": SigningRound,
        "awards": AwardCategory,
        "wheel": WheelActivity,
        "questions": AssessmentQuestion,
    }
    first, *rest = [
        model.objects.order_by()
        .annotate(section=Value(name))
        .values("section")
        .annotate(rows=Count("pk"))
        .values_list("section", "rows")
        for name, model in models.items()
    ]
    counts = dict.fromkeys(models, 0)
    counts.update(dict(first.union(*rest, all=True).order_by()))
    return counts
