"""create_staff USERNAME --role reviewer|risk_officer|ops: a staff user with a TOTP device."""

from django.core.management.base import BaseCommand, CommandError

from customs_portal.errors import ApplicationError
from customs_portal.permissions import STAFF_ROLES
from registration.review import staff_create


class Command(BaseCommand):
    help = (
        "Create a customs staff user in a role's group, with a TOTP device; print its initial "
        "password and the provisioning URI (otpauth://) to scan into an authenticator app."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=list(STAFF_ROLES))
        parser.add_argument("--email", default="")

    def handle(self, *args, username, role, email, **options):
        try:
            user, device = staff_create(username=username, role=role, email=email)
        except ApplicationError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Created staff user {user.username} ({STAFF_ROLES[role]}).")
        self.stdout.write(f"Initial password: {user.initial_password}")
        self.stdout.write(f"TOTP secret (base32): {_base32(device)}")
        self.stdout.write(f"Provisioning URI: {device.config_url}")


def _base32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()
