from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    step = serializers.CharField(source="event", read_only=True)
    person = serializers.IntegerField(
        source="user_id", read_only=True, allow_null=True, help_text=_("Who acted (their id).")
    )
    organisation = serializers.IntegerField(
        source="organisation_id",
        read_only=True,
        allow_null=True,
        help_text=_("The organisation they acted for (its id)."),
    )
    summary = serializers.DictField(
        read_only=True,
        help_text=_("A few plain values: for a workflow step, `before` and `leads_to`."),
    )
    at = serializers.DateTimeField(
        read_only=True, help_text=_("ISO 8601 with the network's offset.")
    )
    seq = serializers.IntegerField(read_only=True, help_text=_("Its place in the chain."))

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "kind",
            "step",
            "person",
            "organisation",
            "object_type",
            "object_id",
            "object_label",
            "summary",
            "seq",
            "previous_sha256",
            "sha256",
        ]
        read_only_fields = fields
