"""Issue 4: the meeting list and page (at five years of meetings), the agenda PDF and a
20-item minutes PDF (targets: under 2 s each)."""

from bench.registry import measurement, page

page("meeting list", "/n/kyrgyzstan/meetings/")


def _next_meeting_id() -> int:
    from meetings.models import Meeting
    from networks.models import Network
    from networks.scoping import network_scope

    network = Network.objects.get(slug="kyrgyzstan")
    with network_scope(network):
        # The demo's latest meeting, never the one the meeting-pack row schedules (it would
        # become the latest in the second round and the rows would measure another page).
        return (
            Meeting.objects.exclude(title__startswith="Bench:")
            .order_by("-starts_at")
            .values_list("pk", flat=True)
            .first()
        )


@measurement("meeting page")
def meeting_page(client):
    return client.get(f"/n/kyrgyzstan/meetings/{_next_meeting_id()}/")


@measurement("agenda PDF")
def agenda_pdf(client):
    return client.get(f"/n/kyrgyzstan/meetings/{_next_meeting_id()}/agenda.pdf")


@measurement("minutes PDF, 20 items (render)")
def minutes_pdf_20_items(client):
    """Renders a 20-item minutes PDF as submitting a version does (WeasyPrint); the target
    is under 2 s. Not a request of its own: submitting stores the PDF it renders."""
    from django.http import HttpResponse

    from meetings import services
    from meetings.models import Meeting
    from networks.models import Network
    from networks.scoping import network_scope

    network = Network.objects.get(slug="kyrgyzstan")
    with network_scope(network):
        meeting = Meeting.objects.select_related("network").order_by("-starts_at").first()
        content = {
            "meeting": {"location": meeting.location},
            "attendance": [
                {
                    "email": f"person{n}@example.org",
                    "name": f"Person {n}",
                    "organisation": "UNDP",
                    "status": "present",
                }
                for n in range(25)
            ],
            "representation": {"member_organisations": 12, "represented": 11, "missing": ["ILO"]},
            "items": [
                {
                    "title": f"Item {n}: labour migration and the joint workplan",
                    "summary": "The network discussed the item at length. " * 12,
                    "decisions": ["The network agrees.", "The secretariat follows up."],
                    "action_points": [
                        {"text": "Share the note", "owner": "UNDP", "due_date": "2027-01-31"}
                    ]
                    * 2,
                }
                for n in range(1, 21)
            ],
            "correction_reason": "",
        }
        pdf = services.minutes_pdf(meeting, content, 1)
    return HttpResponse(pdf, content_type="application/pdf")
