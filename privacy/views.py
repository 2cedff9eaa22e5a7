"""The pages of a person's own data: what the portal holds about them (and its download), and
the /privacy/ notice everyone may read."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts.middleware import mfa_required_message, needs_mfa
from privacy import services as privacy


class PersonalDataView(LoginRequiredMixin, TemplateView):
    """The person's own page about their personal data: what the portal holds, the
    download of all of it, and how to ask for erasure."""

    template_name = "accounts/personal_data.html"


class PersonalDataExportView(LoginRequiredMixin, View):
    """Everything the portal holds about the person who asks, as one JSON file
    (accounts.privacy.person_export): theirs only, whatever network it lies in."""

    def get(self, request):
        # The account pages are open without the second factor (to set it up); the export
        # holds network records, so a person who must have one sets it up first, as for
        # tokens (accounts.middleware.GUARDED_PREFIXES).
        if needs_mfa(request.user, request):
            messages.warning(request, mfa_required_message(request.user))
            return redirect("mfa_activate_totp")
        data = privacy.person_export(request.user)
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
        day = timezone.now().date().isoformat()
        response["Content-Disposition"] = f'attachment; filename="personal-data-{day}.json"'
        response["Cache-Control"] = "no-store"
        return response


class PrivacyNoticeView(TemplateView):
    """/privacy/: what the portal keeps about people, why, for how long, and how to ask for
    an export or an erasure. Open to everyone, signed in or not."""

    template_name = "accounts/privacy.html"

    def get_context_data(self, **kwargs):
        days = privacy.retention_days()
        return super().get_context_data(
            years={kind: _years(value) for kind, value in days.items()},
            contact=settings.PORTAL_PRIVACY_CONTACT,
            session_days=settings.PORTAL_SESSION_MAX_DAYS,
            invitation_days=settings.PORTAL_INVITATION_DAYS,
            **kwargs,
        )


def _years(days: int) -> str:
    """A retention period as people say it: “2 years”, “18 months”, “45 days”."""
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    if days % 30 == 0:
        months = days // 30
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
