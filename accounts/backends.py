"""allauth's sign-in by email, believing only addresses the person has proved they own: the
account's own address (the one the invitation was sent to, or one confirmed since) and
verified addresses. An address added on the email page and not yet confirmed from the mail
sent there does not sign in."""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.models import EmailAddress


class VerifiedEmailBackend(AuthenticationBackend):
    def _authenticate_by_email(self, email: str, password: str):
        user = super()._authenticate_by_email(email, password)
        if user is None:
            return None
        address = (email or "").strip().lower()
        if user.email.lower() == address:
            return user
        if EmailAddress.objects.filter(user=user, email__iexact=address, verified=True).exists():
            return user
        return None
