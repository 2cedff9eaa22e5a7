"""Issue 4: the meeting list and page, and the agenda PDF (target: under 2 s)."""

from bench.registry import measurement, page

page("meeting list", "/n/kyrgyzstan/meetings/")


def _next_meeting_id() -> int:
    from meetings.models import Meeting
    from networks.models import Network
    from networks.scoping import network_scope

    network = Network.objects.get(slug="kyrgyzstan")
    with network_scope(network):
        return Meeting.objects.order_by("-starts_at").values_list("pk", flat=True).first()


@measurement("meeting page")
def meeting_page(client):
    return client.get(f"/n/kyrgyzstan/meetings/{_next_meeting_id()}/")


@measurement("agenda PDF")
def agenda_pdf(client):
    return client.get(f"/n/kyrgyzstan/meetings/{_next_meeting_id()}/agenda.pdf")
