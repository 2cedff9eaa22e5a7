"""Every person's own address becomes their verified, primary address in allauth's table
(accounts.signals.verified_address does it for new people), so that a change of address is
confirmed from the new mailbox before it signs in."""

from django.db import migrations


def record_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email.lower(), verified=True, primary=True)
            for pk, email in User.objects.exclude(pk__in=known).values_list("pk", "email")
            if email
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_operator_actions"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(record_addresses, migrations.RunPython.noop)]
