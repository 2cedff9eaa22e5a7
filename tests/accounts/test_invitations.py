from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from networks import services
from networks.models import Invitation, Membership
from networks.scoping import network_scope, scopes_disabled
from networks.tasks import send_invitation_email

User = get_user_model()


def invite(net, email="new.person@undp.test", role="member", org="UNDP"):
    return services.invitation_create(
        network=net.network,
        email=email,
        full_name="New Person",
        organisation=net.organisations[org],
        role=role,
        invited_by=net.people["secretariat"],
    )


def accept_url(token):
    return reverse("invitation-accept", kwargs={"token": token})


def new_account_form(password="a-Long-enough-passphrase-42"):
    return {"full_name": "Aida New", "password1": password, "password2": password}


def test_secretariat_invites_and_the_email_goes_out_after_commit(
    kyrgyzstan, login, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = login(kyrgyzstan.secretariat)
    url = reverse("networks:invite", kwargs={"network": "kyrgyzstan"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            url,
            {
                "email": "Aida@UNDP.test",
                "full_name": "Aida",
                "organisation": kyrgyzstan.organisations["UNDP"].pk,
                "role": "member",
            },
        )
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aida@undp.test"]
    assert "/accounts/invitations/" in message.body
    assert kyrgyzstan.network.name in message.subject
    # Running the task again (a broker redelivery) sends nothing more.
    with scopes_disabled():
        invitation = Invitation.objects.get(email="aida@undp.test")
    assert send_invitation_email(invitation.pk, "whatever") is False
    assert len(mail.outbox) == 1


def test_an_organisation_outside_the_network_cannot_be_chosen(kyrgyzstan, mongolia, login):
    client = login(kyrgyzstan.secretariat)
    outsider = mongolia.organisations["AUTH"]  # Mongolia's authority, not in Kyrgyzstan
    response = client.post(
        reverse("networks:invite", kwargs={"network": "kyrgyzstan"}),
        {"email": "x@example.org", "organisation": outsider.pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_a_member_may_not_invite(kyrgyzstan, login):
    client = login(kyrgyzstan.member)
    assert (
        client.get(reverse("networks:invite", kwargs={"network": "kyrgyzstan"})).status_code == 403
    )


def test_accepting_creates_the_account_and_the_membership_and_signs_in(kyrgyzstan, client):
    with scopes_disabled():
        invitation, token = invite(kyrgyzstan)
    response = client.post(accept_url(token), new_account_form())
    assert response.status_code == 302
    assert response["Location"] == reverse("networks:home", kwargs={"network": "kyrgyzstan"})
    user = User.objects.get(email="new.person@undp.test")
    assert user.full_name == "Aida New"
    with network_scope(kyrgyzstan.network):
        assert Membership.objects.active().filter(user=user, role="member").exists()
        invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert client.get(reverse("networks:home", kwargs={"network": "kyrgyzstan"})).status_code == 200


def test_an_invitation_works_once(kyrgyzstan, client):
    with scopes_disabled():
        _invitation, token = invite(kyrgyzstan)
    assert client.post(accept_url(token), new_account_form()).status_code == 302
    client.logout()
    again = client.post(accept_url(token), new_account_form())
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.objects.filter(email="new.person@undp.test").count() == 1
    with network_scope(kyrgyzstan.network):
        assert Membership.objects.filter(user__email="new.person@undp.test").count() == 1


def test_an_expired_invitation_is_refused_and_changes_nothing(kyrgyzstan, client):
    with scopes_disabled():
        invitation, token = invite(kyrgyzstan)
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    response = client.post(accept_url(token), new_account_form())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="new.person@undp.test").exists()


def test_a_withdrawn_invitation_is_refused(kyrgyzstan, login):
    with scopes_disabled():
        invitation, token = invite(kyrgyzstan)
    secretariat = login(kyrgyzstan.secretariat)
    secretariat.post(
        reverse(
            "networks:invitation-revoke",
            kwargs={"network": "kyrgyzstan", "invitation_id": invitation.pk},
        )
    )
    secretariat.logout()
    response = secretariat.get(accept_url(token))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_an_unknown_token_is_a_404(client, db):
    assert client.get(accept_url("not-a-real-token")).status_code == 404


def test_a_weak_password_is_refused_with_a_message(kyrgyzstan, client):
    with scopes_disabled():
        _invitation, token = invite(kyrgyzstan)
    response = client.post(accept_url(token), new_account_form(password="123"))
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="new.person@undp.test").exists()


def test_an_existing_account_must_be_signed_in_as_the_invited_address(kyrgyzstan, mongolia, client):
    # Mongolia's UNDP member is invited into Kyrgyzstan too.
    person = mongolia.member
    with scopes_disabled():
        _invitation, token = invite(kyrgyzstan, email=person.email)
    client.force_login(kyrgyzstan.member)  # someone else
    assert client.post(accept_url(token)).status_code == 403
    client.force_login(person)
    assert client.post(accept_url(token)).status_code == 302
    with network_scope(kyrgyzstan.network):
        assert Membership.objects.active().filter(user=person).exists()


@pytest.mark.parametrize("email", ["", "not-an-email"])
def test_bad_email_is_a_form_error(kyrgyzstan, login, email):
    client = login(kyrgyzstan.secretariat)
    response = client.post(
        reverse("networks:invite", kwargs={"network": "kyrgyzstan"}),
        {"email": email, "organisation": kyrgyzstan.organisations["UNDP"].pk, "role": "member"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
