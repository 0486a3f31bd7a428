import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from programmes.actions.demo import demo_actions_create
from programmes.awards.demo import demo_awards_create
from programmes.certificates.demo import demo_certificates_create
from programmes.climate.demo import demo_accounts_create
from programmes.climate.models import ClimateAccount
from programmes.communication.demo import demo_communication_create
from programmes.directory.demo import demo_directory_create
from programmes.events.demo import demo_events_create
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.invoicing.demo import demo_invoices_create
from programmes.matchmaking.demo import demo_matchmaking_create
from programmes.partners.demo import demo_partners_create
from programmes.partners.models import Membership
from programmes.people.demo import DEMO_TOTP_SECRET, demo_mfa_create
from programmes.people.models import Role, User
from programmes.people.services import user_create
from programmes.symbols.demo import demo_symbols_create
from programmes.widget.demo import demo_widget_create
from tenants import services
from tenants.models import Country, Kind
from tenants.selectors import tenant_by_slug, tenant_url

DEMO_PASSWORD = "klimapartner-demo"  # noqa: S105  (printed for the demo; refused in production)
OPERATOR_EMAIL = "operator@klimapartner.example"
# Partners per demo tenant, in every stage of the journey.
DEMO_PARTNERS = {"hjorring": 47, "porvoo": 25, "ostfold": 55, "klimatkommunerna": 40}

DEMO_TENANTS = [
    services.OnboardingRequest(
        slug="hjorring",
        name="Hjørring Kommune",
        kind=Kind.MUNICIPALITY,
        country=Country.DENMARK,
        language="da",
        preset="hjorring",
        admin_email="invitation@hjorring.example",
    ),
    services.OnboardingRequest(
        slug="porvoo",
        name="Borgå stad – Porvoon kaupunki",
        kind=Kind.MUNICIPALITY,
        country=Country.FINLAND,
        language="sv",
        other_languages=("fi",),
        locale="sv_FI",
        preset="porvoo",
        admin_email="invitation@porvoo.example",
    ),
    services.OnboardingRequest(
        slug="ostfold",
        name="Klimapartnere Østfold",
        kind=Kind.COUNTY,
        country=Country.NORWAY,
        language="nb",
        preset="ostfold",
        admin_email="invitation@ostfold.example",
    ),
    services.OnboardingRequest(
        slug="klimatkommunerna",
        name="Klimatkommunerna",
        kind=Kind.NETWORK,
        country=Country.SWEDEN,
        language="sv",
        preset="klimatkommunerna",
        admin_email="invitation@klimatkommunerna.example",
    ),
]


def demo_partner_admin_create(*, slug: str) -> str | None:
    """A partner admin login for an active demo partner whose follow-up waits, so the
    partner's side can be tried too."""
    email = f"partner@{slug}.example"
    if User.objects.filter(email=email).exists():
        return email
    follow_up = (
        FollowUp.objects.filter(status=FollowUpStatus.OPEN, partner__unresponsive=False)
        .select_related("partner")
        .order_by("partner__name")
        .first()
    )
    if follow_up is None:
        return None
    user = user_create(
        actor=None,
        email=email,
        password=DEMO_PASSWORD,
        role=Role.PARTNER_ADMIN,
        full_name=f"Demo partner {follow_up.partner.name}",
    )
    Membership.objects.create(partner=follow_up.partner, email=email, user=user)
    return email


class Command(BaseCommand):
    help = "Create the four demo tenants with their admin logins. Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and settings.DJANGO_ENV == "production":
            raise CommandError("load_demo creates known passwords; it never runs in production.")
        started = time.perf_counter()
        lines = []
        if not User.objects.filter(email=OPERATOR_EMAIL).exists():
            user_create(
                actor=None,
                email=OPERATOR_EMAIL,
                password=DEMO_PASSWORD,
                role=Role.OPERATOR,
                full_name="Demo Operator",
            )
        demo_mfa_create()
        port = f":{settings.URL_PORT}" if settings.URL_PORT else ""
        console = f"{settings.URL_SCHEME}://{settings.PLATFORM_DOMAIN}{port}/"
        lines.append(f"  operator console  {console}  {OPERATOR_EMAIL} / {DEMO_PASSWORD}")
        for request in DEMO_TENANTS:
            tenant = tenant_by_slug(request.slug)
            if tenant is None:
                self.stdout.write(f"Creating {request.slug}…")
                tenant = services.tenant_onboard(actor=None, request=request)
            admin_email = f"admin@{request.slug}.example"
            with tenant_context(tenant):
                demo_partners_create(
                    country=request.country,
                    language=request.language,
                    count=DEMO_PARTNERS[request.slug],
                    municipalities=request.slug == "klimatkommunerna",
                )
                if not ClimateAccount.objects.exists():
                    # Certificates first: Miljøfyrtårn's holders make its climate report.
                    demo_certificates_create(country=request.country)
                    demo_accounts_create(country=request.country)
                demo_invoices_create(country=request.country)
                for create in (
                    demo_events_create,
                    demo_matchmaking_create,
                    demo_awards_create,
                    demo_communication_create,
                    demo_directory_create,
                    demo_actions_create,
                    demo_symbols_create,
                ):
                    create(slug=request.slug, country=request.country, language=request.language)
                demo_widget_create(slug=request.slug)
                if not User.objects.filter(email=admin_email).exists():
                    user_create(
                        actor=None,
                        email=admin_email,
                        password=DEMO_PASSWORD,
                        role=Role.MUNICIPAL_ADMIN,
                        full_name=f"Demo admin {tenant.name}",
                    )
                partner_email = demo_partner_admin_create(slug=request.slug)
                # Staff (the admin, the award jurors…) use two-factor authentication.
                demo_mfa_create()
            lines.append(
                f"  {tenant.name:<30} {tenant_url(tenant)}  {admin_email} / {DEMO_PASSWORD}"
            )
            if partner_email:
                lines.append(f"  {'':<30} (a partner admin: {partner_email})")
        # Each tenant copies actions the other demo tenants contributed to the shared
        # library; the first ones seeded could only see their own, so once more at the end.
        for request in DEMO_TENANTS:
            with tenant_context(tenant_by_slug(request.slug)):
                demo_actions_create(
                    slug=request.slug, country=request.country, language=request.language
                )
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready in {time.perf_counter() - started:.1f} s. Log in at:")
        )
        self.stdout.write("\n".join(lines))
        self.stdout.write(
            f"Operator and staff sign in with two-factor authentication: TOTP secret "
            f"{DEMO_TOTP_SECRET} (add it to an authenticator app), or print the current "
            f"code with `manage.py demo_mfa_code <e-mail>`."
        )
