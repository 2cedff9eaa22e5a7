"""Base for every API view under /api/v1/networks/<network>/."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.permissions import IsAuthenticated

from networks.access import network_access_or_404
from networks.api.errors import NOT_FOUND_MESSAGE
from networks.api.permissions import NetworkActionPermission, TokenScopeAllowsMethod
from networks.roles import Action

# The methods the API answers anywhere: HEAD wherever GET is (the same statuses and
# headers, no body). OPTIONS, TRACE, CONNECT and anything else are a 405 on every route,
# before anything else (they are never answered, so the 405 tells nothing about a network).
API_METHODS = ["get", "post", "put", "patch", "delete", "head"]


class APIMethodsMixin:
    """The methods of every API view (API_METHODS); the schema documents each of them a
    route answers, HEAD included (networks.api.schema.document_head)."""

    http_method_names = API_METHODS

    def initial(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class NetworkAPIMixin(APIMethodsMixin):
    """In this order: authentication (401 for anyone anonymous, whatever the network), the
    network (404 for anyone outside it, the same body as for a network that does not exist),
    the view's action (403), a read-only token's limit (403), and then — as on the pages — a
    method the route does not answer (405).

    Subclasses set `required_action` (or `required_actions` per method) and define
    `network_queryset()`, which runs with the network entered."""

    # Not called `action`: DRF and drf-spectacular give that name a meaning of their own.
    # A tuple of actions: any one of them lets the caller in (networks.mixins).
    required_action: Action | tuple[Action, ...] | None = None
    # Per method, e.g. {"GET": Action.MEMBERS_VIEW, "POST": Action.MEMBERS_MANAGE}.
    required_actions: dict[str, Action] | None = None
    # The network and the action come after authentication, in initial(); the token's
    # scope after them, so that a token gets the network's 404 before anything else.
    permission_classes = [IsAuthenticated]
    network_permission_classes = [NetworkActionPermission, TokenScopeAllowsMethod]
    # The model of a view whose serializer is not a model's (for the schema only).
    schema_model = None

    def get_queryset(self):
        # Schema generation has no network entered: hand drf-spectacular an empty queryset
        # of the model rather than querying (which would rightly raise).
        if getattr(self, "swagger_fake_view", False):
            model = getattr(self, "schema_model", None) or self.serializer_class.Meta.model
            return model.objects.none()
        return self.network_queryset()

    def network_queryset(self):
        raise ImproperlyConfigured(f"{type(self).__name__} must define network_queryset().")

    def action_for(self, request) -> Action | tuple[Action, ...] | None:
        if self.required_actions:
            # HEAD is a GET without the body: it needs what GET needs.
            method = "GET" if request.method == "HEAD" else request.method
            action = self.required_actions.get(method, self.required_action)
            if action is None:
                # The route declares its methods' actions, and this method is not one of them.
                raise MethodNotAllowed(request.method)
            return action
        return self.required_action

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        try:
            self.network_access = network_access_or_404(request.user, kwargs["network"])
        except Http404 as exc:
            raise NotFound(NOT_FOUND_MESSAGE) from exc
        self.network = self.network_access.network
        for permission in (cls() for cls in self.network_permission_classes):
            if not permission.has_permission(request, self):
                self.permission_denied(request, message=permission.message, code=permission.code)
