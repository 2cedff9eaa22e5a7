"""Celery tasks of the networks app. Each takes ids, enters the network, and is safe to run
twice."""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from networks.models import Invitation
from networks.scoping import network_scope, scopes_disabled


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(
        smtplib.SMTPServerDisconnected,
        smtplib.SMTPConnectError,
        ConnectionError,
        TimeoutError,
    ),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_invitation_email(self, invitation_id: int, token: str, language: str = "en") -> bool:
    """Mail the invitation link once. The row lock and `emailed_at` make a second run (a
    retry, a duplicate delivery by the broker) a no-op. Returns whether it sent."""
    with scopes_disabled():
        network_id = (
            Invitation.objects.filter(pk=invitation_id).values_list("network_id", flat=True).first()
        )
    if network_id is None:
        return False
    with network_scope(network_id), transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("network", "organisation", "invited_by")
            .get(pk=invitation_id)
        )
        if invitation.emailed_at or invitation.accepted_at or invitation.revoked_at:
            return False
        link = settings.PORTAL_BASE_URL.rstrip("/") + f"/accounts/invitations/{token}/"
        context = {
            "invitation": invitation,
            "network": invitation.network,
            "link": link,
            "invitation_days": settings.PORTAL_INVITATION_DAYS,
        }
        with translation.override(language):
            subject = render_to_string("networks/email/invitation_subject.txt", context).strip()
            text = render_to_string("networks/email/invitation.txt", context)
            html = render_to_string("networks/email/invitation.html", context)
        message = EmailMultiAlternatives(subject, text, to=[invitation.email])
        message.attach_alternative(html, "text/html")
        message.send()
        invitation.emailed_at = timezone.now()
        invitation.save(update_fields=["emailed_at"])
        return True
