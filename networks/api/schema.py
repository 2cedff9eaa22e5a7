"""Every operation documents the error statuses it can really return, with the error body."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "The request has errors; nothing was changed.",
    401: "No valid session or access token (also for an expired or revoked token).",
    403: "Signed in, but not allowed to do this (or a read-only token used to write).",
    404: "No such network or object — or not one of yours; the two are indistinguishable.",
    405: "Method not allowed.",
    409: "The object changed state meanwhile (e.g. it is approved and frozen).",
}


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        view = self.view
        statuses = {401, 403}
        if "network" in self.path:
            statuses.add(404)
        if self.method in {"POST", "PUT", "PATCH"}:
            statuses.add(400)
        if "{" in self.path.replace("{network}", ""):
            statuses.add(404)
        statuses |= set(getattr(view, "extra_error_statuses", ()))
        for code in sorted(statuses):
            if str(code) in responses:
                continue
            response = OpenApiResponse(
                response=ErrorSerializer, description=ERROR_DESCRIPTIONS[code]
            )
            responses[str(code)] = self._get_response_for_code(
                response.response, str(code), direction=direction
            ) | {"description": response.description}
        return responses
