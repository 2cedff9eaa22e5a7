"""The secretariat's view of every mailing, a person's own mail, and the link in an email
that records that its recipient opened it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from circulation import selectors, services
from circulation.forms import MailPreferenceForm
from circulation.mail import (
    INVITATION_URL_PLACEHOLDER,
    OPEN_URL_PLACEHOLDER,
    delivery_for_token,
    item_url,
)
from circulation.models import Delivery
from networks.access import access_for, not_found
from networks.mixins import NetworkPageMixin
from networks.roles import Action
from networks.scoping import scopes_disabled

PAGE_SIZE = 50


class CirculationListView(NetworkPageMixin, TemplateView):
    required_action = Action.CIRCULATIONS_VIEW
    template_name = "circulation/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        circulations = selectors.circulations_with_counts()
        if self.request.GET.get("failed") == "1":
            circulations = circulations.filter(deliveries__status=Delivery.Status.FAILED).distinct()
        context["page"] = Paginator(circulations, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context["only_failed"] = self.request.GET.get("failed") == "1"
        return context


class CirculationDetailView(NetworkPageMixin, TemplateView):
    required_action = Action.CIRCULATIONS_VIEW
    template_name = "circulation/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        circulation = (
            selectors.circulations_with_counts().filter(pk=self.kwargs["circulation_id"]).first()
        )
        if circulation is None:
            raise not_found()
        status = self.request.GET.get("status", "")
        deliveries = selectors.deliveries_of(circulation, status=status)
        context.update(
            circulation=circulation,
            status=status,
            statuses=Delivery.Status.choices,
            page=Paginator(deliveries, PAGE_SIZE).get_page(self.request.GET.get("page")),
            can_resend=self.network_access.can(Action.CIRCULATIONS_RESEND),
        )
        return context


class DeliveryResendView(NetworkPageMixin, View):
    required_action = Action.CIRCULATIONS_RESEND

    def post(self, request, network, delivery_id):
        delivery = Delivery.objects.filter(pk=delivery_id).first()
        if delivery is None:
            raise not_found()
        try:
            services.delivery_resend(delivery=delivery)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Sending again to %(address)s.") % {"address": delivery.address}
            )
        return redirect(
            "circulation:detail", network=self.network.slug, circulation_id=delivery.circulation_id
        )


class MyMailView(NetworkPageMixin, TemplateView):
    """The mail the portal sent this person in this network, and how they want optional
    mail: at once or in a daily digest."""

    required_action = Action.MY_MAIL_VIEW
    template_name = "circulation/my_mail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = Paginator(selectors.mail_of(self.request.user), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.setdefault(
            "form",
            MailPreferenceForm(
                initial={"optional_mail": services.mail_preference_of(self.request.user)}
            ),
        )
        return context

    def post(self, request, network):
        form = MailPreferenceForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        services.mail_preference_set(
            user=request.user, optional_mail=form.cleaned_data["optional_mail"]
        )
        messages.success(request, _("Your mail preference is saved."))
        return redirect("circulation:mine", network=self.network.slug)


class DeliveryMessageView(NetworkPageMixin, TemplateView):
    """One delivery's message as it was sent: the secretariat sees any (also when the demo
    writes mail to files instead of sending it); a person sees their own."""

    required_action = Action.MY_MAIL_VIEW
    template_name = "circulation/message.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        delivery = selectors.delivery_with_message(self.kwargs["delivery_id"])
        secretariat = self.network_access.can(Action.CIRCULATIONS_VIEW)
        if delivery is None or not (secretariat or delivery.recipient_id == self.request.user.pk):
            raise not_found()
        content = delivery.circulation.message_in(delivery.language)
        context.update(
            delivery=delivery,
            circulation=delivery.circulation,
            subject=content["subject"],
            # The recipient's personal "opened" link stays in their mailbox.
            text=content["text"]
            .replace(OPEN_URL_PLACEHOLDER, item_url(delivery.circulation.link, self.network.slug))
            # Only the invitee ever sees an invitation's link.
            .replace(INVITATION_URL_PLACEHOLDER, _("[the one-time invitation link]")),
            attachments=[
                attachment
                for attachment in delivery.circulation.attachments.all()
                if attachment.goes_with(delivery.language)
            ],
            secretariat=secretariat,
        )
        return context


class OpenedLinkView(LoginRequiredMixin, View):
    """The link in a circulated email. Records that the delivery's recipient opened it (the
    first time, and only when the signed-in person is that recipient), then goes to the item,
    whose page still checks the person's right to see it.

    Only the recipient and people who hold a role in the delivery's network are sent on; to
    anyone else, and for a link past OPENED_LINK_MAX_AGE_DAYS, it is the one 404 of a missing
    page — nothing about the network or the item leaks through a redirect."""

    def get(self, request, token):
        delivery_id = delivery_for_token(token)
        if delivery_id is None:
            raise not_found()
        with scopes_disabled():
            delivery = (
                Delivery.objects.filter(pk=delivery_id)
                .select_related("circulation", "network")
                .first()
            )
        if delivery is None:
            raise not_found()
        recipient = delivery.recipient_id == request.user.pk
        if not recipient and access_for(request.user, delivery.network) is None:
            raise not_found()
        if recipient:
            services.delivery_mark_opened(delivery=delivery)
        target = delivery.circulation.link or reverse(
            "networks:home", kwargs={"network": delivery.network.slug}
        )
        if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
            target = "/"
        return redirect(target)
