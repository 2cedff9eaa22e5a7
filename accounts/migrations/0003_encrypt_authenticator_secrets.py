"""The authenticator apps' TOTP secrets and the recovery codes' seed were stored in clear in
allauth's Authenticator.data: encrypt them (accounts.crypto). Going back decrypts them."""

from django.db import migrations

FIELDS = {"totp": ["secret"], "recovery_codes": ["seed"]}


def _convert(apps, forward: bool) -> None:
    from accounts import crypto

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=list(FIELDS)).iterator():
        data = dict(authenticator.data or {})
        changed = False
        for field in FIELDS[authenticator.type]:
            value = data.get(field)
            if not isinstance(value, str):
                continue
            if forward and not crypto.is_encrypted(value):
                data[field], changed = crypto.encrypt(value), True
            elif not forward and crypto.is_encrypted(value):
                data[field], changed = crypto.decrypt(value), True
        codes = data.get("migrated_codes")
        if isinstance(codes, list):
            if forward:
                data["migrated_codes"] = [
                    c if crypto.is_encrypted(c) else crypto.encrypt(c) for c in codes
                ]
            else:
                data["migrated_codes"] = [
                    crypto.decrypt(c) if crypto.is_encrypted(c) else c for c in codes
                ]
            changed = True
        if changed:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps, schema_editor):
    _convert(apps, forward=True)


def decrypt_secrets(apps, schema_editor):
    _convert(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_identity_providers"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
