"""The one way a page or API view enters a network and checks its action."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from networks.access import NetworkAccess, network_access_or_404
from networks.roles import Action


class NetworkPageMixin(LoginRequiredMixin):
    """For pages under /n/<network>/. Anonymous people are sent to sign in (whether or not
    the network exists); people outside the network get 404; people inside it without the
    view's `required_action` get 403. A view some roles enter for different purposes may
    declare a tuple of actions: any one of them lets the person in, and the service decides
    what they may do there (e.g. inviting: the secretariat grants most roles, a co-chair
    grants the co-chair role)."""

    required_action: Action | tuple[Action, ...] | None = None
    network_access: NetworkAccess

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.required_action is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare its required_action.")
        self.network_access = network_access_or_404(request.user, kwargs["network"], request)
        self.network = self.network_access.network
        request.network_access = self.network_access
        if not self.network_access.can_any(self.required_action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_invalid(self, form):
        """A form that did not pass comes back with what was typed and its messages, as a 400:
        bad input, the status the API answers (a service's refusal may say 403 or 409,
        networks.formtools.refused)."""
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["network"] = self.network
        context["network_access"] = self.network_access
        return context
