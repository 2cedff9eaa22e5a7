"""manage.py erase_person <email> --reason "…" — an operator erases a person's personal data
on their request, as the admin's “Erase personal data” action does (privacy.services.
person_erase). Asks for confirmation unless --yes; prints what it did."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.privacy import erasure_preview
from privacy.services import person_erase


class Command(BaseCommand):
    help = (
        "Erase a person's personal data on their request: name replaced by a pseudonym, "
        "address by a placeholder, sign-in removed, roles ended. Signed records keep their "
        "signer (under the pseudonym) and their hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="the person's email address")
        parser.add_argument("--reason", required=True, help="the request, e.g. its reference")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, email: str, reason: str, yes: bool, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Nobody has the address {email}.")
        preview = erasure_preview(user)
        self.stdout.write(f"{user.email} will be shown as “{preview['pseudonym']}”.")
        for membership in preview["memberships"]:
            self.stdout.write(
                f"  ends: {membership.network.name} — {membership.get_role_display()}, "
                f"{membership.organisation.display_name}"
            )
        if not yes and input("Erase this person's data? Type yes: ").strip().lower() != "yes":
            raise CommandError("Nothing was erased.")
        try:
            erasure = person_erase(user=user, by=None, reason=reason)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased: account {user.pk} is now “{erasure.pseudonym}” ({user.email}); "
                f"{len(preview['memberships'])} role(s) ended; sessions, tokens and second "
                "factors deleted."
            )
        )
