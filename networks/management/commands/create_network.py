"""manage.py create_network — a platform operator creates a network and invites its first
secretariat officer and its first co-chair (as the operator: networks.services allows it only
while the network has nobody in the role; then the secretariat and a serving co-chair invite
the next ones). Everything happens in one transaction: bad input creates nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from networks import services
from networks.models import LANGUAGE_CHOICES, Network, Organisation, Region
from networks.organisations import UN_SYSTEM, organisation_get_or_create
from networks.roles import Role


def _choices(choices) -> str:
    return ", ".join(value for value, _label in choices)


class Command(BaseCommand):
    help = (
        "Create a network (a tenant) and, with --secretariat-email and --co-chair-email, invite "
        "its first secretariat officer and its first co-chair. Prints the one-time invitation "
        "links."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name", required=True, help="e.g. “UN Network on Migration in Georgia”"
        )
        parser.add_argument("--slug", required=True, help="web address: /n/<slug>/")
        parser.add_argument("--code", required=True, help="decision register prefix, e.g. GEO")
        parser.add_argument("--country", required=True, help="country or territory")
        parser.add_argument("--time-zone", required=True, help="e.g. Asia/Tbilisi")
        parser.add_argument(
            "--time-zone-name",
            default="",
            help="how its people name their time, e.g. “Pristina time” (Kosovo's zone is "
            "Europe/Belgrade); default: the zone's city, e.g. “Tbilisi time”",
        )
        parser.add_argument(
            "--languages",
            required=True,
            help=f"working languages, comma-separated ({_choices(LANGUAGE_CHOICES)})",
        )
        parser.add_argument("--region", help="slug of an existing region")
        parser.add_argument(
            "--cadence",
            default=Network.Cadence.QUARTERLY,
            help=f"meeting cadence ({_choices(Network.Cadence.choices)}); default quarterly",
        )
        parser.add_argument(
            "--approval",
            default=Network.ApprovalRule.ALL_CO_CHAIRS,
            help=f"who approves minutes ({_choices(Network.ApprovalRule.choices)})",
        )
        parser.add_argument("--footnote", default="", help="designation footnote on every page")
        parser.add_argument(
            "--national-policy", default="", help="the national policy it aligns to"
        )
        parser.add_argument("--un-team-name", default="UN Country Team")
        parser.add_argument("--coordinator-title", default="Resident Coordinator")
        parser.add_argument("--secretariat-email", help="invite this person as secretariat")
        parser.add_argument("--secretariat-name", default="", help="their full name")
        parser.add_argument(
            "--secretariat-organisation",
            default="",
            help="acronym or name of their organisation (default IOM)",
        )
        parser.add_argument(
            "--co-chair-email",
            help="invite this person as the first co-chair (they invite the second one)",
        )
        parser.add_argument("--co-chair-name", default="", help="their full name")
        parser.add_argument(
            "--co-chair-organisation",
            default="",
            help="acronym or name of their organisation (needed with --co-chair-email)",
        )

    def handle(self, *args, **options):
        languages = self._languages(options["languages"])
        self._check_choice("cadence", options["cadence"], Network.Cadence.choices)
        self._check_choice("approval", options["approval"], Network.ApprovalRule.choices)
        email = self._email(options, "secretariat")
        co_chair_email = self._email(options, "co_chair")
        if co_chair_email and not options["co_chair_organisation"]:
            raise CommandError(
                "--co-chair-email needs --co-chair-organisation (e.g. the Resident "
                "Coordinator's Office). Nothing was created."
            )
        if email and email == co_chair_email:
            raise CommandError(
                "One person cannot be both the secretariat and a co-chair of a network. "
                "Nothing was created."
            )

        slug, code = options["slug"].strip().lower(), options["code"].strip().upper()
        for label, taken in (
            (f"short name (slug) “{slug}”", Network.objects.filter(slug=slug).first()),
            (f"code “{code}”", Network.objects.filter(code=code).first()),
        ):
            if taken is not None:
                raise CommandError(
                    f"The {label} is already used by {taken.name}. Nothing was created."
                )

        region = None
        if options["region"]:
            region = Region.objects.filter(slug=options["region"]).first()
            if region is None:
                known = ", ".join(Region.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(
                    f"There is no region “{options['region']}” (known: {known}). Nothing was created."
                )

        links: list[str] = []
        try:
            with transaction.atomic():
                network = services.network_create(
                    name=options["name"],
                    slug=options["slug"],
                    code=options["code"],
                    country=options["country"],
                    time_zone=options["time_zone"],
                    time_zone_name=options["time_zone_name"],
                    languages=languages,
                    region=region,
                    meeting_cadence=options["cadence"],
                    minutes_approval_rule=options["approval"],
                    designation_footnote=options["footnote"],
                    national_policy=options["national_policy"],
                    un_team_name=options["un_team_name"],
                    coordinator_title=options["coordinator_title"],
                )
                if email:
                    links.append(
                        self._invite(
                            network,
                            email,
                            Role.SECRETARIAT,
                            options["secretariat_organisation"] or "IOM",
                            options["secretariat_name"],
                        )
                    )
                if co_chair_email:
                    links.append(
                        self._invite(
                            network,
                            co_chair_email,
                            Role.CO_CHAIR,
                            options["co_chair_organisation"],
                            options["co_chair_name"],
                        )
                    )
        except ValidationError as exc:
            raise CommandError(f"{_describe(exc)} Nothing was created.") from exc

        home = reverse("networks:home", kwargs={"network": network.slug})
        self.stdout.write(self.style.SUCCESS(f"Created {network.name} ({network.code}) at {home}."))
        for line in links:
            self.stdout.write(line)
        if links:
            self.stdout.write(
                "Send each person their link (prefix the portal's address); it works once and "
                f"expires in {settings.PORTAL_INVITATION_DAYS} days. Accepting it sets their "
                "password."
            )

    def _email(self, options, who: str) -> str:
        flag = "--" + who.replace("_", "-")
        email = (options[f"{who}_email"] or "").strip().lower()
        if not email and (options[f"{who}_organisation"] or options[f"{who}_name"]):
            raise CommandError(
                f"{flag}-name and {flag}-organisation need {flag}-email. Nothing was created."
            )
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise CommandError(
                    f"“{email}” is not a valid email address. Nothing was created."
                ) from exc
        return email

    def _invite(
        self, network: Network, email: str, role: Role, organisation_name: str, full_name: str
    ) -> str:
        """Invite `email` into `role` as the platform operator (from the command line, so
        nobody is recorded as the inviter); returns the line that shows the link."""
        organisation = self._organisation(organisation_name)
        _invitation, token = services.first_holder_invite(
            network=network,
            email=email,
            organisation=organisation,
            role=role,
            operator=None,
            full_name=full_name,
        )
        label = "secretariat" if role == Role.SECRETARIAT else "co-chair"
        return f"Invitation for {email} as {label} of {organisation}: " + reverse(
            "invitation-accept", kwargs={"token": token}
        )

    def _languages(self, value: str) -> list[str]:
        codes = [code.strip().lower() for code in value.split(",") if code.strip()]
        known = {code for code, _name in LANGUAGE_CHOICES}
        unknown = [code for code in codes if code not in known]
        if unknown or not codes:
            raise CommandError(
                f"Unknown working language “{', '.join(unknown) or value}”: use codes from "
                f"{_choices(LANGUAGE_CHOICES)}. Nothing was created."
            )
        return list(dict.fromkeys(codes))

    def _check_choice(self, option: str, value: str, choices) -> None:
        if value not in {v for v, _label in choices}:
            raise CommandError(
                f"Unknown {option} “{value}”: choose one of {_choices(choices)}. Nothing was created."
            )

    def _organisation(self, wanted: str) -> Organisation:
        """An existing organisation by acronym or name; a UN-system acronym the portal knows
        (IOM, UNDP…) is created on first use."""
        matches = list(Organisation.objects.filter(acronym__iexact=wanted)) or list(
            Organisation.objects.filter(name__iexact=wanted)
        )
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = "; ".join(org.name for org in matches)
            raise CommandError(
                f"“{wanted}” names several organisations ({names}): give the full name. "
                "Nothing was created."
            )
        known = {acronym.lower(): org for acronym, org in UN_SYSTEM.items()}
        if wanted.lower() in known:
            return organisation_get_or_create(known[wanted.lower()])[0]
        raise CommandError(
            f"There is no organisation “{wanted}”: add it in the operators' admin first, or use "
            "a UN-system acronym such as IOM. Nothing was created."
        )


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        parts = []
        for field, errors in exc.message_dict.items():
            label = field if field != "__all__" else ""
            for message in errors:
                parts.append(f"{label.replace('_', ' ')}: {message}" if label else message)
        return " ".join(p if p.endswith(".") else p + "." for p in parts)
    return " ".join(m if m.endswith(".") else m + "." for m in exc.messages)
