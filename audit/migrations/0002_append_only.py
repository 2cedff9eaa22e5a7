"""The database refuses UPDATE and DELETE on the audit trail (audit/triggers.py). A RunPython
step rather than RunSQL: the trigger's SQL differs between PostgreSQL and SQLite, and the test
suite replays RunPython steps into the database it builds from the models."""

from django.db import migrations

from audit.triggers import install_for_migration, remove_for_migration


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_trail")]

    operations = [
        migrations.RunPython(install_for_migration, remove_for_migration, elidable=False),
    ]
