"""What partners emit: the annual climate account.

Emissions are tonnes CO2e. An account has scope 1, scope 2 both location- and market-based
(the GHG Protocol's dual reporting) and scope 3 per GHG Protocol category; activity data
(kWh, litres, km…) is optional.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TONNES = {"max_digits": 14, "decimal_places": 3, "validators": [MinValueValidator(Decimal(0))]}


class Method(models.TextChoices):
    KLIMAKOMPASSET = "klimakompasset", "Klimakompasset"
    KLIMAKOST = "klimakost", "Klimakost"
    MILJOFYRTAARN = "miljofyrtaarn", _("Miljøfyrtårn's climate report")
    CO2_CALCULATOR = "co2_calculator", _("A public CO2 calculator")
    OWN = "own", _("Own calculation")
    CONSULTANT = "consultant", _("Calculated by a consultant")
    OTHER = "other", _("Other")


class Scope3Category(models.IntegerChoices):
    """The 15 categories of the GHG Protocol's Corporate Value Chain (Scope 3) Standard."""

    PURCHASED_GOODS = 1, _("1 Purchased goods and services")
    CAPITAL_GOODS = 2, _("2 Capital goods")
    FUEL_AND_ENERGY = 3, _("3 Fuel- and energy-related activities")
    UPSTREAM_TRANSPORT = 4, _("4 Upstream transportation and distribution")
    WASTE = 5, _("5 Waste generated in operations")
    BUSINESS_TRAVEL = 6, _("6 Business travel")
    COMMUTING = 7, _("7 Employee commuting")
    UPSTREAM_LEASED = 8, _("8 Upstream leased assets")
    DOWNSTREAM_TRANSPORT = 9, _("9 Downstream transportation and distribution")
    PROCESSING = 10, _("10 Processing of sold products")
    USE_OF_PRODUCTS = 11, _("11 Use of sold products")
    END_OF_LIFE = 12, _("12 End-of-life treatment of sold products")
    DOWNSTREAM_LEASED = 13, _("13 Downstream leased assets")
    FRANCHISES = 14, _("14 Franchises")
    INVESTMENTS = 15, _("15 Investments")


class ClimateAccount(models.Model):
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="climate_accounts"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scope1 = models.DecimalField(_("scope 1 (t CO2e)"), **TONNES)
    scope2_location = models.DecimalField(_("scope 2, location-based (t CO2e)"), **TONNES)
    scope2_market = models.DecimalField(
        _("scope 2, market-based (t CO2e)"), null=True, blank=True, **TONNES
    )
    method = models.CharField(_("method or tool"), max_length=20, choices=Method.choices)
    method_detail = models.CharField(_("method, in your own words"), max_length=200, blank=True)
    # The year the partner measures its reductions from: at most one account per partner.
    is_baseline = models.BooleanField(_("baseline year"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner", "year"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year"], name="one_account_a_year"),
            models.UniqueConstraint(
                fields=["partner"], condition=Q(is_baseline=True), name="one_baseline_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.year}"


# An account's own figures and texts (forms, API, imports); scope 3 and activities are rows.
ACCOUNT_FIELDS = (
    "year",
    "scope1",
    "scope2_location",
    "scope2_market",
    "method",
    "method_detail",
    "is_baseline",
    "notes",
)


class Scope3Emission(models.Model):
    account = models.ForeignKey(ClimateAccount, on_delete=models.CASCADE, related_name="scope3")
    category = models.PositiveSmallIntegerField(_("category"), choices=Scope3Category.choices)
    tonnes = models.DecimalField(_("t CO2e"), **TONNES)

    class Meta:
        ordering = ["account", "category"]
        constraints = [
            models.UniqueConstraint(fields=["account", "category"], name="one_row_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.category}"


class ActivityKind(models.TextChoices):
    ELECTRICITY = "electricity", _("Electricity")
    DISTRICT_HEATING = "district_heating", _("District heating")
    NATURAL_GAS = "natural_gas", _("Natural gas")
    HEATING_OIL = "heating_oil", _("Heating oil")
    DIESEL = "diesel", _("Diesel")
    PETROL = "petrol", _("Petrol")
    VEHICLE_DISTANCE = "vehicle_distance", _("Driving")
    FLIGHT_DISTANCE = "flight_distance", _("Flights")
    WASTE = "waste", _("Waste")


class ActivityUnit(models.TextChoices):
    KWH = "kWh", "kWh"
    MWH = "MWh", "MWh"
    LITRE = "l", _("litres")
    CUBIC_METRE = "m3", "m³"
    KM = "km", "km"
    KG = "kg", "kg"
    TONNE = "t", _("tonnes")


class ActivityData(models.Model):
    """A quantity behind the account, e.g. 52,000 kWh electricity or 3,100 l diesel."""

    account = models.ForeignKey(ClimateAccount, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("activity"), max_length=20, choices=ActivityKind.choices)
    quantity = models.DecimalField(
        _("quantity"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=5, choices=ActivityUnit.choices)

    class Meta:
        ordering = ["account", "kind"]
        verbose_name_plural = "activity data"

    def __str__(self) -> str:
        return f"{self.account}: {self.quantity} {self.unit} {self.kind}"
