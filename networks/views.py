"""Pages of a network. Thin: each declares its action, reads through selectors and writes
through services."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from networks import exports, home, selectors, services, signoff
from networks.access import my_networks, not_found
from networks.forms import InvitationForm, MembershipEndForm, SignoffRulesForm
from networks.formtools import refused
from networks.mixins import NetworkPageMixin
from networks.models import Invitation, Membership, Region, RegionalViewer
from networks.roles import Action, grantable_roles

# Who grants and ends roles: the secretariat most of them, a serving co-chair the co-chair
# role (networks.roles.ROLE_MANAGED_BY); the services check which one.
MANAGING_ROLES = (Action.MEMBERS_MANAGE, Action.CO_CHAIRS_MANAGE)

SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")


class LandingView(LoginRequiredMixin, TemplateView):
    template_name = "networks/landing.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["networks"] = my_networks(self.request)
        context["regions"] = Region.objects.filter(
            viewers__in=RegionalViewer.objects.active().filter(user=self.request.user)
        ).distinct()
        # What waits for the person in every network of theirs, each item naming its
        # network (networks.home; the same list the header counts).
        context["inbox"] = home.request_inbox(self.request)
        return context


class SwitchNetworkView(LoginRequiredMixin, View):
    """The network switcher's form target. Redirects whatever the slug: the network's own
    pages decide (404 for a network the person has no role in)."""

    def get(self, request):
        slug = request.GET.get("network", "")
        if not SLUG.fullmatch(slug):
            return redirect("landing")
        return redirect("networks:home", network=slug)


class NetworkHomeView(NetworkPageMixin, TemplateView):
    """The network's dashboard: what waits for the person first, then the panels the apps
    register for the person's roles (networks.home)."""

    required_action = Action.NETWORK_VIEW
    template_name = "networks/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["my_roles"] = sorted(str(role.label) for role in self.network_access.roles)
        context["inbox"] = home.request_inbox(self.request)
        context["panels"] = home.panels_for(self.network_access)
        return context


class MemberListView(NetworkPageMixin, TemplateView):
    """The organisations taking part and their focal points."""

    required_action = Action.MEMBERS_VIEW
    template_name = "networks/members.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["members"] = selectors.member_list(network=self.network)
        grantable = grantable_roles(self.network_access.roles)
        # The member list offers "End membership" on the roles this person may end.
        context["roles_i_manage"] = {value for value, _label in grantable}
        if grantable:
            context["invite_url"] = reverse(
                "networks:invite", kwargs={"network": self.network.slug}
            )
        return context


class MemberListCSVView(NetworkPageMixin, View):
    required_action = Action.MEMBERS_EXPORT

    def get(self, request, network):
        return exports.member_list_csv(self.network)


class MemberListPDFView(NetworkPageMixin, View):
    required_action = Action.MEMBERS_EXPORT

    def get(self, request, network):
        return exports.member_list_pdf(self.network, request=request)


class MembershipEndView(NetworkPageMixin, FormView):
    """The secretariat ends any role but a co-chair's; a serving co-chair ends a co-chair's.
    The service refuses the rest (and the last secretariat or co-chair) as a form error."""

    required_action = MANAGING_ROLES
    template_name = "networks/membership_end.html"
    form_class = MembershipEndForm

    def get_membership(self) -> Membership:
        membership = (
            Membership.objects.filter(pk=self.kwargs["membership_id"])
            .select_related("user", "organisation")
            .first()
        )
        if membership is None:
            raise not_found()
        return membership

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["membership"] = self.get_membership()
        return context

    def form_valid(self, form):
        membership = self.get_membership()
        try:
            services.membership_end(
                membership=membership,
                ended_by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(
            self.request,
            _("%(person)s no longer holds the role %(role)s.")
            % {"person": membership.user.get_full_name(), "role": membership.get_role_display()},
        )
        return redirect("networks:members", network=self.network.slug)


class WorkingGroupListView(NetworkPageMixin, TemplateView):
    required_action = Action.WORKING_GROUPS_VIEW
    template_name = "networks/working_group_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = selectors.working_groups_visible(access=self.network_access)
        return context


class WorkingGroupDetailView(NetworkPageMixin, TemplateView):
    required_action = Action.WORKING_GROUPS_VIEW
    template_name = "networks/working_group_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = (
            selectors.working_groups_visible(access=self.network_access)
            .filter(pk=self.kwargs["pk"])
            .first()
        )
        if group is None:
            raise not_found()
        context["group"] = group
        context["members"] = selectors.working_group_members(working_group=group)
        return context


class InvitationView(NetworkPageMixin, FormView):
    """The secretariat invites a person into any role but co-chair; a serving co-chair
    invites co-chairs. Each is offered the roles they may grant, and sees the pending
    invitations of those roles. The email goes out after the invitation is committed."""

    required_action = MANAGING_ROLES
    template_name = "networks/invite.html"
    form_class = InvitationForm

    def roles(self) -> list:
        return grantable_roles(self.network_access.roles)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "roles": self.roles()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = selectors.invitations_pending().filter(
            role__in=[value for value, _label in self.roles()]
        )
        context["invitation_days"] = settings.PORTAL_INVITATION_DAYS
        return context

    def form_valid(self, form):
        try:
            with transaction.atomic():
                invitation, _token = services.invitation_create(
                    network=self.network,
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    organisation=form.cleaned_data["organisation"],
                    role=form.cleaned_data["role"],
                    invited_by=self.request.user,
                )
                services.invitation_email(
                    invitation=invitation,
                    sender=self.request.user,
                    language=get_language() or settings.LANGUAGE_CODE,
                )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(
            self.request,
            _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
        )
        return redirect("networks:invite", network=self.network.slug)


class InvitationRevokeView(NetworkPageMixin, View):
    required_action = MANAGING_ROLES

    def post(self, request, network, invitation_id):
        invitation = Invitation.objects.filter(pk=invitation_id).first()
        if invitation is None:
            raise not_found()
        try:
            services.invitation_revoke(invitation=invitation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The invitation is withdrawn."))
        return redirect("networks:invite", network=self.network.slug)


class SignoffRulesView(NetworkPageMixin, FormView):
    """The co-chairs choose who signs each kind of record in their network."""

    required_action = Action.SIGNOFF_RULES_MANAGE
    template_name = "networks/signoff_rules.html"
    form_class = SignoffRulesForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["kinds"] = signoff.KINDS
        return kwargs

    def get_initial(self):
        return signoff.rules_of(self.network)

    def form_valid(self, form):
        try:
            signoff.rules_set(network=self.network, by=self.request.user, rules=form.cleaned_data)
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The sign-off rules are saved."))
        return redirect("networks:signoff-rules", network=self.network.slug)
