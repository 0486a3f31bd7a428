import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants import services
from tenants.models import Kind
from tenants.selectors import tenant_url


class Command(BaseCommand):
    help = "Create a tenant: schema, domain, programme preset and the first admin's invitation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="schema name and subdomain, e.g. aarhus")
        parser.add_argument("--name", required=True, help="e.g. 'Aarhus Kommune'")
        parser.add_argument("--country", required=True, help="DK, SE, FI or NO")
        parser.add_argument(
            "--language", required=True, help="primary language: da, sv, fi, nb, en"
        )
        parser.add_argument("--other-languages", default="", help="comma-separated, e.g. 'fi,en'")
        parser.add_argument(
            "--kind", default=Kind.MUNICIPALITY, help="municipality, county, region, network"
        )
        parser.add_argument("--preset", default=services.DEFAULT_PRESET)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--currency", default="", help="default: the country's currency")
        parser.add_argument("--locale", default="", help="default: <language>_<country>")
        parser.add_argument("--time-zone", default="", help="default: the country's capital")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        request = services.OnboardingRequest(
            slug=options["slug"],
            name=options["name"],
            country=options["country"].upper(),
            language=options["language"],
            other_languages=tuple(
                code.strip() for code in options["other_languages"].split(",") if code.strip()
            ),
            kind=options["kind"],
            preset=options["preset"],
            admin_email=options["admin_email"],
            currency=options["currency"].upper(),
            locale=options["locale"],
            time_zone=options["time_zone"],
        )
        try:
            tenant = services.tenant_onboard(actor=None, request=request)
        except ValidationError as error:
            lines = [
                f"  --{field.replace('_', '-')}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("The tenant was not created:\n" + "\n".join(lines)) from None
        onboarding = tenant.onboarding
        self.stdout.write(
            self.style.SUCCESS(
                f"Tenant {tenant.slug} ({tenant.name}) is ready at {tenant_url(tenant)} "
                f"after {time.perf_counter() - started:.1f} s (schema made by "
                f"{onboarding.schema_method} in {onboarding.schema_seconds:.2f} s). "
                f"The worker e-mails the invitation to {options['admin_email']}."
            )
        )
