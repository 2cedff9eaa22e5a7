"""A network's own name for its local time. Empty reads from the zone's city ("Bishkek
time"); Kosovo's zone is Europe/Belgrade, and its networks read "Pristina time"."""

from django.db import migrations, models


def name_kosovo_time(apps, schema_editor):
    Network = apps.get_model("networks", "Network")
    Network.objects.filter(
        time_zone="Europe/Belgrade", country__icontains="Kosovo", time_zone_name=""
    ).update(time_zone_name="Pristina time")


class Migration(migrations.Migration):
    dependencies = [
        ("networks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="network",
            name="time_zone_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "As the network's people say it, e.g. “Pristina time”; every time shown "
                    "carries it with its UTC offset. Empty: the city of the time zone, e.g. "
                    "“Bishkek time”."
                ),
                max_length=60,
                verbose_name="name of the local time",
            ),
        ),
        migrations.RunPython(name_kosovo_time, migrations.RunPython.noop),
    ]
