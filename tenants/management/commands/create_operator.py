import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from programmes.people.models import Role
from programmes.people.services import user_create


class Command(BaseCommand):
    help = "Create a platform operator (a user in the public schema)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="prompted for when omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user_create(actor=None, email=options["email"], password=password, role=Role.OPERATOR)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Operator {options['email']} created."))
