"""No 500s on user input: every network route, page or API, fed odd query strings and odd
form or JSON bodies by the people who may use it, answers with a 2xx–4xx."""

import pytest

from tests.test_isolation import ROUTES, urls_for

ODD_VALUES = [
    "",
    "\x00",
    "' OR 1=1 --",
    "😀" * 50,
    "9" * 40,
    "-1",
    "<script>x</script>",
    "a" * 5000,
]
FIELDS = [
    "email",
    "full_name",
    "organisation",
    "role",
    "reason",
    "name",
    "scope",
    "page",
    "q",
    "network",
    # meetings
    "kind",
    "title",
    "working_group",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "version",
    "description",
    "presenter",
    "presenter_organisation",
    "duration_minutes",
    "answer",
    "delegate",
    "user",
    "comment",
    "when",
    # minutes
    "summary",
    "decisions",
    "note",
    "text",
    "comment_deadline",
    "content_sha256",
    "form-TOTAL_FORMS",
    "form-INITIAL_FORMS",
    "form-0-due_date",
    "form-0-owner_organisation",
    # documents
    "category",
    "language",
    "confidentiality",
    "public_agreement",
    "organisations",
    "people",
    "meeting",
    "agenda_item",
    "file",
    "message",
    "gcm_objectives",
    "call",
    "deadline",
    "required_items",
    "document",
    "requirement",
    # decisions
    "stance",
    "outcome",
    "statement",
    "concerns_state",
    "status",
    "year",
    "state",
    "progress",
    "note",
    "due_date",
    "owner_organisation",
    # workplans
    "code",
    "start_year",
    "years",
    "lead_organisation",
    "participating_organisations",
    "quarters",
    "budget_required",
    "budget_available",
    "budget_spent",
    "geographic_scope",
    "guiding_principles",
    "sdg_targets",
    "unsdcf_outcomes",
    "gender_marker",
    "human_rights_marker",
    "unit",
    "baseline",
    "target",
    "quarter",
    "narrative",
    "spent_to_date",
    # joint statements and the decisions API
    "agreement",
    "owner",
    "decision",
    # reports
    "revision",
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_odd_input_never_gives_a_500(route, victim, client):
    url, _missing = urls_for(route, victim)
    # The secretariat may use nearly every route; a co-chair the approval steps as well.
    people = [victim.secretariat]
    if route.name.startswith(("meetings:", "documents:", "decisions:", "workplans:", "reports:")):
        people.append(victim.co_chair)
    if route.name.startswith("workplans:"):
        people.append(victim.member)  # UNDP's focal point reports on the activity UNDP leads
    for someone in people:
        client.force_login(someone)
        _feed_odd_values(client, route, url)


def _feed_odd_values(client, route, url):
    for value in ODD_VALUES:
        data = {field: value for field in FIELDS}
        assert client.get(url, data).status_code < 500, (url, "GET", value)
        assert client.post(url, data).status_code < 500, (url, "POST", value)
        if route.is_api:
            response = client.post(url, data, content_type="application/json")
            assert response.status_code < 500, (url, "POST json", value)
