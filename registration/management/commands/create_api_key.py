"""create_api_key CUSTOMS_CODE --name NAME: a new API key for an enterprise, printed once."""

from django.core.management.base import BaseCommand, CommandError

from customs_portal.errors import ApplicationError
from registration.api_keys import api_key_create
from registration.models import Enterprise


class Command(BaseCommand):
    help = "Create an API key for the enterprise with this customs registration code and print it once."

    def add_arguments(self, parser):
        parser.add_argument("customs_code")
        parser.add_argument("--name", required=True)

    def handle(self, *args, customs_code, name, **options):
        enterprise = Enterprise.objects.filter(customs_code=customs_code.strip().upper()).first()
        if enterprise is None:
            raise CommandError(f"No enterprise has the customs registration code {customs_code}.")
        try:
            api_key, key = api_key_create(enterprise=enterprise, name=name)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"API key {api_key.name!r} for {enterprise.name} ({enterprise.customs_code}); shown once:"
        )
        self.stdout.write(key)
