"""The view the routing figure serves with and without tenancy: a small page with five
queries on a tenant's tables, like the issue's reference measurement. Mounted only by the
bench's own URLconf (``tenants.benchmark.urls``), never by the product's."""

from django.http import HttpRequest, HttpResponse

from programmes.configuration.models import Programme, Tier
from programmes.partners.models import Partner, PartnerContact, Stage


def five_queries(request: HttpRequest) -> HttpResponse:
    active = Partner.objects.filter(stage=Stage.ACTIVE).count()
    names = list(Partner.objects.order_by("name").values_list("name", flat=True)[:10])
    tiers = Tier.objects.count()
    programme = Programme.objects.values_list("pk", flat=True).first()
    contacts = PartnerContact.objects.count()
    body = f"{active} {tiers} {programme} {contacts} " + ", ".join(names)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")
