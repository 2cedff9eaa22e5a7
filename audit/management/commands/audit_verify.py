"""`manage.py audit_verify [--network slug]`: walk each chain of the audit trail and say
whether it is intact; a row removed, altered or moved is named, and the command exits 1."""

from django.core.management.base import BaseCommand, CommandError

from audit.chain import chains, verify
from networks.models import Network


class Command(BaseCommand):
    help = "Check the audit trail's hash chains (every network's and the platform's)."

    def add_arguments(self, parser):
        parser.add_argument("--network", help="Only this network's chain (its slug).")

    def handle(self, *args, **options):
        slugs = dict(Network.objects.values_list("pk", "slug"))
        if options["network"]:
            network = Network.objects.filter(slug=options["network"]).first()
            if network is None:
                raise CommandError(f"No network {options['network']!r}.")
            keys = chains(network.pk)
        else:
            keys = chains()
        broken = 0
        for key in keys:
            checked = verify(key)
            name = key
            if key.startswith("network:"):
                name = f"{key} ({slugs.get(int(key.split(':')[1]), 'a removed network')})"
            if checked.breaks:
                broken += 1
                self.stdout.write(f"{name}: {checked.rows} rows, BROKEN")
                for problem in checked.breaks:
                    self.stdout.write(f"  {problem}")
            else:
                self.stdout.write(f"{name}: {checked.rows} rows, intact")
        if broken:
            self.stdout.write(f"{broken} of {len(keys)} chains are broken.")
            raise SystemExit(1)
        self.stdout.write(f"All {len(keys)} chains are intact.")
