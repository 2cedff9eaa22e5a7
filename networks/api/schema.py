"""The OpenAPI schema tells the truth: every operation documents each error status it can
return, with the one error body (networks.api.errors), and nothing it cannot return."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(
        help_text="Stable, for programs: e.g. not_authenticated, not_found, not_allowed "
        "(403: the role or the person may not), read_only_token, mfa_required, csrf_failed, "
        "invalid, parse_error, wrong_state, stale, already_signed (409: the record's state)."
    )
    message = serializers.CharField(help_text="For people, in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On 400 for invalid input only: each field (or non_field_errors, or a query "
        "parameter) with its messages.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "The request has errors (the body, a filter, `page` or `page_size`); `fields` says "
    "which. Nothing was changed.",
    401: "No valid session or access token: anonymous, or the token is unknown, revoked or "
    "expired. The same answer whether or not the network exists.",
    403: "Signed in, but not allowed: the role does not allow it, a read-only token tried to "
    "write, the CSRF token is missing, or the role requires two-factor authentication that "
    "is not set up yet.",
    404: "No such network or object, or not one of yours: the two are indistinguishable. On a "
    "list, also a page past the last one.",
    409: "The object is no longer in a state that allows this; nothing was changed.",
    415: "The body is not JSON: send `Content-Type: application/json`.",
}


class PortalAutoSchema(AutoSchema):
    def error_statuses(self) -> set[int]:
        view, method = self.view, self.method
        # Every route needs a caller (401); any caller may be refused (403) at least for a
        # missing second factor.
        statuses = {401, 403}
        if "{network}" in self.path:
            statuses.add(404)
        if method in UNSAFE_METHODS:
            statuses |= {400, 415}
        if method == "GET" and self._is_list_view():
            if self._get_paginator() is not None:
                statuses |= {400, 404}
            if getattr(view, "filterset_class", None) is not None:
                statuses.add(400)
        # A tuple for every method of the view, or a dict of them per method.
        extra = getattr(view, "extra_error_statuses", ())
        if isinstance(extra, dict):
            extra = extra.get(method, ())
        statuses |= set(extra)
        return statuses

    def _get_response_bodies(self, direction="response"):
        from networks.api.errors import takes_multipart

        responses = super()._get_response_bodies(direction)
        for code in sorted(self.error_statuses()):
            if str(code) in responses:
                continue
            description = ERROR_DESCRIPTIONS[code]
            if code == 415 and takes_multipart(self.view):
                description = "The body is not multipart/form-data: send the file that way."
            responses[str(code)] = self._get_response_for_code(
                OpenApiResponse(response=ErrorSerializer, description=description),
                str(code),
                direction=direction,
            )
        return responses

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["name"] == "network":
                parameter["description"] = "The network's short name, e.g. kyrgyzstan."
                parameter["schema"] = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
            elif parameter["name"] == "id":
                parameter["description"] = "The id of the object in this network."
        return parameters

    def get_tags(self) -> list[str]:
        # /networks/{network}/members/… is tagged "members", /networks/… "networks".
        tokens = self._tokenize_path()
        if "{network}" in self.path and len(tokens) > 1:
            return tokens[1:2]
        return tokens[:1]


HEAD_NOTE = "HEAD: the same as GET — the same checks, statuses and headers — without the body."


def document_head(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every route that answers GET answers HEAD too
    (networks.api.mixins.API_METHODS), so the schema says so, with GET's parameters and
    statuses and no body. Any method a path does not list is a 405 with the error body and
    an `Allow` header naming the methods it has."""
    for operations in result.get("paths", {}).values():
        get = operations.get("get")
        if get is None or "head" in operations:
            continue
        head = {
            key: value
            for key, value in get.items()
            if key not in ("responses", "operationId", "description", "summary")
        }
        head["operationId"] = f"{get['operationId']}_head"
        head["summary"] = HEAD_NOTE
        head["responses"] = {
            code: {"description": response.get("description", "")}
            for code, response in get["responses"].items()
        }
        operations["head"] = head
    return result


PAGINATION_PARAMETERS = {"page", "page_size"}


def document_empty_filters(result, generator, request, public):
    """A drf-spectacular postprocessing hook: a filter sent empty (`?status=`) is no filter,
    as on the pages, so the schema says each filter allows the empty value. `page` and
    `page_size` do not (an empty one is a 400)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if (
                    parameter.get("in") == "query"
                    and not parameter.get("required")
                    and parameter["name"] not in PAGINATION_PARAMETERS
                ):
                    parameter["allowEmptyValue"] = True
    return result
