"""A refused position comes back as the form, with the position still chosen and the
reason's error beside the reason (issue #15): on a consultation and a silence procedure."""

import re

import pytest
from django.urls import reverse

from decisions.models import Position
from networks.scoping import network_scope
from tests.decisions.test_procedures import draft, open_procedure
from tests.decisions.test_statements import cleared, silence

pytestmark = pytest.mark.django_db


def checked_stance(page: str) -> list[str]:
    return re.findall(r'<input type="radio" name="stance" value="(\w+)"[^>]*\bchecked\b', page)


def reason_field(page: str) -> str:
    [textarea] = re.findall(r"<textarea[^>]*name=\"reason\"[^>]*>", page)
    return textarea


def assert_refused_at_the_reason(response, stance: str) -> None:
    page = response.content.decode()
    assert response.status_code == 400
    assert checked_stance(page) == [stance]
    textarea = reason_field(page)
    assert 'aria-invalid="true"' in textarea
    [described] = re.findall(r'aria-describedby="([^"]+)"', textarea)
    assert "id_reason_error" in described.split()
    error = re.search(r'<p class="error" id="id_reason_error">([^<]+)</p>', page)
    assert error and "Give the reason for the objection." in error.group(1)
    # The message is at the field, not at the top of the page.
    assert page.count("Give the reason for the objection.") == 1


def test_an_objection_without_a_reason_keeps_the_choice_and_says_so_at_the_reason(
    kyrgyzstan, login
):
    decision = draft(kyrgyzstan)
    open_procedure(kyrgyzstan, decision)
    response = login(kyrgyzstan.member).post(
        reverse("decisions:position", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}),
        {"organisation": kyrgyzstan.organisations["UNDP"].pk, "stance": "object", "reason": " "},
    )
    assert_refused_at_the_reason(response, "object")
    with network_scope(kyrgyzstan.network):
        assert not Position.objects.exists()


def test_breaking_silence_without_a_reason_keeps_the_choice(kyrgyzstan, login):
    statement = cleared(kyrgyzstan).statement
    silence(kyrgyzstan, statement)
    response = login(kyrgyzstan.member).post(
        reverse(
            "decisions:statement-position",
            kwargs={"network": "kyrgyzstan", "statement_id": statement.pk},
        ),
        {"organisation": kyrgyzstan.organisations["UNDP"].pk, "stance": "break"},
    )
    assert_refused_at_the_reason(response, "break")
    page = response.content.decode()
    assert "<legend>" in page  # the positions are a group with its name


def test_a_position_with_its_reason_is_recorded_and_back_to_the_page(kyrgyzstan, login):
    decision = draft(kyrgyzstan)
    open_procedure(kyrgyzstan, decision)
    response = login(kyrgyzstan.member).post(
        reverse("decisions:position", kwargs={"network": "kyrgyzstan", "decision_id": decision.pk}),
        {
            "organisation": kyrgyzstan.organisations["UNDP"].pk,
            "stance": "object",
            "reason": "The text says nothing of returns.",
        },
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        assert Position.objects.get().reason == "The text says nothing of returns."
