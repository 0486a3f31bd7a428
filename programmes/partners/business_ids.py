"""Business ids by country, validated with python-stdnum: CVR (DK), organisationsnummer
(SE), Y-tunnus (FI), organisasjonsnummer (NO)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.dk import cvr
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

VALIDATORS = {"DK": cvr, "SE": se_orgnr, "FI": ytunnus, "NO": no_orgnr}
NAMES = {"DK": "CVR", "SE": "organisationsnummer", "FI": "Y-tunnus", "NO": "organisasjonsnummer"}


def business_id_clean(value: str, country: str) -> str:
    """The business id in its compact form, or ValidationError naming the national id."""
    module = VALIDATORS[country]
    try:
        return module.validate(value)
    except StdnumError:
        raise ValidationError(
            _("This is not a valid %(name)s.") % {"name": NAMES[country]}, code="invalid"
        ) from None


def business_id_display(value: str, country: str) -> str:
    module = VALIDATORS[country]
    return module.format(value) if hasattr(module, "format") else value
