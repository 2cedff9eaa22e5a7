"""The member list as files the secretariat shares: CSV for spreadsheets, PDF for mailing.

Both are built from `selectors.member_list` in the active language, one row per focal point
(an organisation without one still gets a row), and carry the network's designation footnote
where the format has room for it (the PDF).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exports import csv_response, dated_filename, private_download
from networks import selectors
from networks.models import Network, Participation
from networks.pdf import render_pdf
from portal import clock


def member_headers() -> list[str]:
    return [
        _("Organisation"),
        _("Acronym"),
        _("Participation"),
        _("National authority"),
        _("Person"),
        _("Role"),
        _("Email"),
        _("Since"),
    ]


def member_rows(network: Network) -> Iterator[list[str]]:
    """Flat rows of the member list (of the entered network), in the active language."""
    for type_value, rows in selectors.member_list(network=network).items():
        type_label = str(Participation.Type(type_value).label)
        for row in rows:
            participation = row.participation
            organisation = [
                participation.organisation.name,
                participation.organisation.acronym,
                type_label,
                _("yes") if participation.is_national_authority else "",
            ]
            if not row.focal_points:
                yield [*organisation, "", "", "", ""]
            for membership in row.focal_points:
                yield [
                    *organisation,
                    membership.user.get_full_name(),
                    str(membership.get_role_display()),
                    membership.user.email,
                    clock.network_local(membership.started_at, network).date().isoformat(),
                ]


def filename(network: Network, extension: str) -> str:
    return dated_filename("members", network, extension=extension)


def member_list_csv(network: Network) -> HttpResponse:
    return csv_response(member_headers(), member_rows(network), filename(network, "csv"))


def member_list_pdf(network: Network, *, request=None) -> HttpResponse:
    pdf = render_pdf(
        "networks/members_pdf.html",
        {
            "headers": member_headers(),
            "rows": list(member_rows(network)),
            "generated": timezone.now(),
        },
        network=network,
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    return private_download(response, filename(network, "pdf"))
