from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from networks.access import networks_of
from networks.mixins import NetworkPageMixin
from networks.roles import Action
from networks.selectors import member_list


class LandingView(LoginRequiredMixin, TemplateView):
    template_name = "networks/landing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["networks"] = networks_of(self.request.user)
        return context


class NetworkHomeView(NetworkPageMixin, TemplateView):
    action = Action.NETWORK_VIEW
    template_name = "networks/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.network_access.can(Action.MEMBERS_VIEW):
            context["members"] = member_list(network=self.network)
        return context
