from rest_framework import serializers

from circulation.models import Circulation, Delivery


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "address",
            "recipient",
            "language",
            "status",
            "attempts",
            "last_error",
            "message_id",
            "sent_at",
            "opened_at",
        ]


class CirculationSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(read_only=True)
    sent_by = serializers.EmailField(
        source="sent_by.email", read_only=True, allow_null=True, default=None
    )
    total = serializers.IntegerField(read_only=True)
    sent = serializers.IntegerField(read_only=True)
    queued = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True)
    opened = serializers.IntegerField(read_only=True)

    class Meta:
        model = Circulation
        fields = [
            "id",
            "kind",
            "subject",
            "link",
            "sent_by",
            "created_at",
            "total",
            "sent",
            "queued",
            "failed",
            "opened",
        ]


class CirculationDetailSerializer(CirculationSerializer):
    deliveries = DeliverySerializer(many=True, read_only=True)

    class Meta(CirculationSerializer.Meta):
        fields = [*CirculationSerializer.Meta.fields, "deliveries"]
