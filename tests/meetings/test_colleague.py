"""Sending a colleague (issue #15): a focal point whose colleague has no account names them by
email; the colleague is invited into the same organisation (networks' invitation, mailed
through circulation) and, once they accept, is the one sent to the meeting."""

import re

import pytest
from django.urls import reverse

from circulation.models import Delivery
from meetings.models import Participant
from networks import services as network_services
from networks.models import Invitation, Membership
from networks.scoping import network_scope
from tests.factories import person
from tests.meetings.conftest import schedule


def url(meeting, name="detail"):
    return reverse(f"meetings:{name}", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk})


def mine(net, meeting, user) -> Participant:
    with network_scope(net.network):
        return Participant.objects.select_related("delegate").get(meeting=meeting, user=user)


def test_a_colleague_without_an_account_is_invited_and_sent_once_they_accept(
    kyrgyzstan, login, django_capture_on_commit_callbacks
):
    meeting = schedule(kyrgyzstan)
    client = login(kyrgyzstan.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(meeting, "rsvp"),
            {
                "answer": "delegated",
                "delegate_email": "Aida@UNDP.test",
                "delegate_name": "Aida Colleague",
            },
            follow=True,
        )
    page = response.content.decode()
    assert "An invitation is on its way to aida@undp.test" in page
    with network_scope(kyrgyzstan.network):
        invitation = Invitation.objects.get(email="aida@undp.test")
        mailed = Delivery.objects.filter(address="aida@undp.test").exists()
    assert (invitation.organisation, invitation.role, invitation.invited_by) == (
        kyrgyzstan.organisations["UNDP"],
        "member",
        kyrgyzstan.member,
    )
    assert mailed  # through the circulation engine
    sent = mine(kyrgyzstan, meeting, kyrgyzstan.member)
    assert (sent.answer, sent.delegate, sent.delegate_invitation) == ("delegated", None, invitation)
    assert "aida@undp.test" in page and "invited, has not accepted yet" in page

    token = network_services.invitation_link_token(invitation)
    colleague = network_services.invitation_accept(
        token=token, full_name="Aida Colleague", password="a long enough password 1"
    )
    sent = mine(kyrgyzstan, meeting, kyrgyzstan.member)
    assert sent.delegate == colleague
    theirs = mine(kyrgyzstan, meeting, colleague)
    assert theirs.invited and theirs.organisation == kyrgyzstan.organisations["UNDP"]
    assert login(colleague).get(url(meeting)).status_code == 200


def test_sending_a_colleague_without_naming_one_keeps_the_answer_and_says_so_at_the_field(
    kyrgyzstan, login
):
    meeting = schedule(kyrgyzstan)
    response = login(kyrgyzstan.member).post(url(meeting, "rsvp"), {"answer": "delegated"})
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'<input type="radio" name="answer" value="delegated"[^>]*checked', page)
    assert re.search(r'<p class="error" id="id_delegate_error">Choose the colleague', page)
    assert mine(kyrgyzstan, meeting, kyrgyzstan.member).answer == "pending"


def test_someone_of_another_organisation_is_not_a_colleague(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    response = login(kyrgyzstan.member).post(
        url(meeting, "rsvp"),
        {"answer": "delegated", "delegate_email": kyrgyzstan.member_unhcr.email},
    )
    assert response.status_code == 400
    assert "acts for another organisation" in response.content.decode()
    with network_scope(kyrgyzstan.network):
        assert not Invitation.objects.filter(email=kyrgyzstan.member_unhcr.email).exists()


def test_a_colleague_with_a_role_already_is_chosen_not_invited(kyrgyzstan, login):
    meeting = schedule(kyrgyzstan)
    colleague = person("aida@undp.test", "Aida Colleague")
    network_services.membership_start(
        network=kyrgyzstan.network,
        user=colleague,
        organisation=kyrgyzstan.organisations["UNDP"],
        role="member",
        started_by=kyrgyzstan.secretariat,
    )
    response = login(kyrgyzstan.member).post(
        url(meeting, "rsvp"), {"answer": "delegated", "delegate_email": "aida@undp.test"}
    )
    assert response.status_code == 302
    assert mine(kyrgyzstan, meeting, kyrgyzstan.member).delegate == colleague
    with network_scope(kyrgyzstan.network):
        assert not Invitation.objects.filter(email="aida@undp.test").exists()
        assert Membership.objects.filter(user=colleague).count() == 1


@pytest.mark.parametrize("key", ["partner"])
def test_a_partner_sends_a_colleague_as_a_partner(kyrgyzstan, login, key):
    meeting = schedule(kyrgyzstan, title="Extended", kind="extended")
    from meetings import services

    with network_scope(kyrgyzstan.network):
        services.participant_invite(
            meeting=meeting, by=kyrgyzstan.co_chair, user=kyrgyzstan.people[key]
        )
    response = login(kyrgyzstan.people[key]).post(
        url(meeting, "rsvp"), {"answer": "delegated", "delegate_email": "deputy@auth.test"}
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        invitation = Invitation.objects.get(email="deputy@auth.test")
    assert invitation.role == "external_partner"
