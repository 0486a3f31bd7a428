"""Gapless invoice numbers and the payment reference printed on each invoice.

A number is taken from its series inside the transaction that issues the document, with the
series row locked (SELECT … FOR UPDATE): concurrent runs wait for each other, and a run that
rolls back gives its numbers back, so the sequence never has a gap or a duplicate.
"""

from stdnum import luhn

from programmes.invoicing.models import NumberSeries


def lock_series(prefix: str) -> NumberSeries:
    """The series, locked until the end of the current transaction."""
    NumberSeries.objects.get_or_create(prefix=prefix)
    return NumberSeries.objects.select_for_update().get(prefix=prefix)


def take_number(series: NumberSeries) -> int:
    """The next number of a series locked with ``lock_series``."""
    series.last_number += 1
    series.save(update_fields=["last_number"])
    return series.last_number


def payment_reference(series: NumberSeries, number: int, country: str) -> str:
    """A reference the payer's bank checks before sending money, built from the document
    number: KID (NO) and OCR (SE) and the Danish one use the Luhn digit, Finland its national
    7-3-1 reference number."""
    base = f"{series.pk}{number:06d}"
    if country == "FI":
        return base + finnish_check_digit(base)
    return base + luhn.calc_check_digit(base)


def finnish_check_digit(base: str) -> str:
    """The check digit of a Finnish reference number (viitenumero): weights 7, 3, 1 from the
    right, then the distance to the next ten."""
    weights = (7, 3, 1)
    total = sum(int(digit) * weights[i % 3] for i, digit in enumerate(reversed(base)))
    return str(-total % 10)
