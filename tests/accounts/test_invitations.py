"""The secretariat invites a person by email into a role and organisation; the link works
once, for seven days, and accepting it sets the password or adds the role to an account."""

import re
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from circulation.models import Circulation, Delivery
from circulation.tasks import deliver
from networks import services
from networks.models import Invitation, Membership
from networks.scoping import network_scope, scopes_disabled

User = get_user_model()
NEW = "new.person@undp.test"


def invite(net, email=NEW, role="member", org="UNDP"):
    with scopes_disabled():
        return services.invitation_create(
            network=net.network,
            email=email,
            full_name="New Person",
            organisation=net.organisations[org],
            role=role,
            invited_by=net.people["secretariat"],
        )


def invite_url(slug="kyrgyzstan"):
    return reverse("networks:invite", kwargs={"network": slug})


def revoke_url(invitation, slug="kyrgyzstan"):
    return reverse(
        "networks:invitation-revoke", kwargs={"network": slug, "invitation_id": invitation.pk}
    )


def accept_url(token):
    return reverse("invitation-accept", kwargs={"token": token})


def new_account_form(password="a-Long-enough-passphrase-42"):
    return {"full_name": "Aida New", "password1": password, "password2": password}


def invitation_count():
    """The invitations of the two networks these tests use (the inviting and the outsider's)."""
    with scopes_disabled():
        return Invitation.objects.filter(network__slug__in=["kyrgyzstan", "mongolia"]).count()


def memberships_of(net, email):
    with network_scope(net.network):
        return list(Membership.objects.filter(user__email=email))


class TestInviting:
    def post_invitation(self, client, net, **data):
        form = {
            "email": "Aida@UNDP.test",
            "full_name": "Aida",
            "organisation": net.organisations["UNDP"].pk,
            "role": "member",
            **data,
        }
        return client.post(invite_url(), form)

    def test_the_email_goes_out_after_commit_with_a_link_that_works(
        self, kyrgyzstan, login, django_capture_on_commit_callbacks, client, settings
    ):
        secretariat = login(kyrgyzstan.secretariat)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = self.post_invitation(secretariat, kyrgyzstan)
        assert response.status_code == 302
        # The mailing is stored with the invitation; nothing goes before the commit.
        assert len(callbacks) == 1 and mail.outbox == []
        with scopes_disabled():
            invitation = Invitation.objects.get(email="aida@undp.test")
            circulation = Circulation.objects.get(kind="invitation")
            delivery = Delivery.objects.get(circulation=circulation)
        assert circulation.about == invitation and circulation.sent_by == kyrgyzstan.secretariat
        assert delivery.address == "aida@undp.test" and delivery.status == "queued"

        settings.CELERY_TASK_ALWAYS_EAGER = True
        callbacks[0]()
        message = mail.outbox[0]
        assert message.to == ["aida@undp.test"]
        assert message.extra_headers["Message-ID"] == delivery.message_id
        assert kyrgyzstan.network.name in message.subject
        assert "Member focal point" in message.body and kyrgyzstan.network.name in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html" and kyrgyzstan.network.name in html
        path = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", message.body)[1]
        assert path in html
        token = path.rstrip("/").rsplit("/", 1)[1]
        with scopes_disabled():
            invitation.refresh_from_db()
            circulation.refresh_from_db()
            delivery.refresh_from_db()
        # What is stored holds neither the link nor the token; only the hash of the token.
        assert token not in str(circulation.rendered) and token not in invitation.token_hash
        assert delivery.status == "sent" and invitation.emailed_at is not None
        page = secretariat.get(invite_url()).content.decode()
        assert "Not yet" not in page
        # The secretariat sees the mailing as sent, without the invitee's link.
        shown = secretariat.get(
            reverse(
                "circulation:message",
                kwargs={"network": "kyrgyzstan", "delivery_id": delivery.pk},
            )
        ).content.decode()
        assert "one-time invitation link" in shown and token not in shown

        secretariat.logout()
        assert client.post(path, new_account_form()).status_code == 302
        assert memberships_of(kyrgyzstan, "aida@undp.test")

    def email(self, net, invitation, language="en"):
        with transaction.atomic():
            services.invitation_email(
                invitation=invitation, sender=net.people["secretariat"], language=language
            )
        with network_scope(net.network):
            return Delivery.objects.get(
                circulation__kind="invitation", circulation__about_id=invitation.pk
            )

    def test_running_the_delivery_again_sends_nothing_more(self, kyrgyzstan):
        invitation, _token = invite(kyrgyzstan)
        delivery = self.email(kyrgyzstan, invitation)
        assert deliver.apply(args=[delivery.pk]).result == "sent"
        assert deliver.apply(args=[delivery.pk]).result == "skipped"
        assert len(mail.outbox) == 1

    def test_a_withdrawn_or_expired_invitation_is_not_mailed_and_says_why(self, kyrgyzstan):
        invitation, _token = invite(kyrgyzstan)
        withdrawn = self.email(kyrgyzstan, invitation)
        services.invitation_revoke(invitation=invitation)
        expired, _token = invite(kyrgyzstan, email="late@undp.test")
        late = self.email(kyrgyzstan, expired)
        with scopes_disabled():
            Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        for delivery in (withdrawn, late):
            assert deliver.apply(args=[delivery.pk]).result == "failed"
        assert mail.outbox == []
        with scopes_disabled():
            withdrawn.refresh_from_db()
            late.refresh_from_db()
        assert "withdrawn" in withdrawn.last_error and "expired" in late.last_error

    def test_the_email_speaks_the_inviters_language(
        self, kyrgyzstan, login, django_capture_on_commit_callbacks, settings
    ):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        client = login(kyrgyzstan.secretariat)
        client.cookies["django_language"] = "ru"
        with django_capture_on_commit_callbacks(execute=True):
            self.post_invitation(client, kyrgyzstan)
        message = mail.outbox[0]
        assert "Приглашение" in message.subject
        assert re.search("[а-яА-Я]{5,}", message.body)

    def test_the_link_is_rebuilt_after_the_secret_key_rotates(self, kyrgyzstan, settings):
        invitation, token = invite(kyrgyzstan)
        delivery = self.email(kyrgyzstan, invitation)
        old_key = settings.SECRET_KEY
        settings.SECRET_KEY = "a-new-secret-key-for-the-portal-" + "x" * 30
        settings.SECRET_KEY_FALLBACKS = [old_key]
        assert deliver.apply(args=[delivery.pk]).result == "sent"
        assert f"/accounts/invitations/{token}/" in mail.outbox[0].body

    def test_a_link_that_cannot_be_rebuilt_is_not_mailed(self, kyrgyzstan, settings):
        invitation, _token = invite(kyrgyzstan)
        delivery = self.email(kyrgyzstan, invitation)
        settings.SECRET_KEY = "a-new-secret-key-for-the-portal-" + "x" * 30
        settings.SECRET_KEY_FALLBACKS = []
        assert deliver.apply(args=[delivery.pk]).result == "failed"
        assert mail.outbox == []
        with scopes_disabled():
            delivery.refresh_from_db()
        assert "cannot be rebuilt" in delivery.last_error

    def test_the_page_lists_pending_invitations_and_withdraws_one(self, kyrgyzstan, login):
        pending, _token = invite(kyrgyzstan)
        used, used_token = invite(kyrgyzstan, email="used@unhcr.test", org="UNHCR")
        services.invitation_accept(token=used_token, full_name="U", password="x-Long-pass-99")
        client = login(kyrgyzstan.secretariat)
        page = client.get(invite_url()).content.decode()
        assert NEW in page and "used@unhcr.test" not in page
        assert client.get(revoke_url(pending)).status_code == 405
        response = client.post(revoke_url(pending))
        assert response.status_code == 302
        assert NEW not in client.get(invite_url()).content.decode()
        with scopes_disabled():
            pending.refresh_from_db()
        assert pending.revoked_at is not None

    def test_the_organisations_offered_are_those_taking_part(self, kyrgyzstan, mongolia, login):
        form = login(kyrgyzstan.secretariat).get(invite_url()).context["form"]
        offered = set(form.fields["organisation"].queryset)
        assert kyrgyzstan.organisations["UNDP"] in offered
        assert mongolia.organisations["AUTH"] not in offered

    def test_an_organisation_outside_the_network_cannot_be_chosen(
        self, kyrgyzstan, mongolia, login
    ):
        outsider = mongolia.organisations["AUTH"]  # Mongolia's authority, not in Kyrgyzstan
        response = self.post_invitation(
            login(kyrgyzstan.secretariat), kyrgyzstan, organisation=outsider.pk
        )
        assert response.status_code == 400
        assert "organisation" in response.context["form"].errors
        assert invitation_count() == 0

    def test_a_person_already_holding_the_role_cannot_be_invited_to_it(self, kyrgyzstan, login):
        response = self.post_invitation(
            login(kyrgyzstan.secretariat), kyrgyzstan, email=kyrgyzstan.member.email.upper()
        )
        assert response.status_code == 400
        assert "already holds that role" in str(response.context["form"].non_field_errors())
        assert invitation_count() == 0
        assert mail.outbox == []

    @pytest.mark.parametrize("email", ["", "not-an-email", "a@b@c.test"])
    def test_a_bad_email_is_a_form_error(self, kyrgyzstan, login, email):
        response = self.post_invitation(login(kyrgyzstan.secretariat), kyrgyzstan, email=email)
        assert response.status_code == 400
        assert response.context["form"].errors["email"]
        assert invitation_count() == 0

    def test_a_member_may_not_invite(self, kyrgyzstan, login):
        client = login(kyrgyzstan.member)
        assert client.get(invite_url()).status_code == 403
        assert self.post_invitation(client, kyrgyzstan).status_code == 403
        assert invitation_count() == 0

    def test_the_secretariat_of_another_network_gets_404(self, kyrgyzstan, mongolia, login):
        invitation, _token = invite(kyrgyzstan)
        client = login(mongolia.secretariat)
        assert client.get(invite_url()).status_code == 404
        assert self.post_invitation(client, kyrgyzstan).status_code == 404
        assert client.post(revoke_url(invitation)).status_code == 404
        # Nor through its own network's address.
        assert client.post(revoke_url(invitation, slug="mongolia")).status_code == 404
        with scopes_disabled():
            invitation.refresh_from_db()
        assert invitation.revoked_at is None
        assert invitation_count() == 1

    def test_anonymous_is_sent_to_sign_in(self, kyrgyzstan, client):
        response = client.get(invite_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


class TestAccepting:
    def test_accepting_creates_the_account_and_the_membership_and_signs_in(
        self, kyrgyzstan, client
    ):
        invitation, token = invite(kyrgyzstan)
        page = client.get(accept_url(token))
        assert page.status_code == 200
        assert kyrgyzstan.network.name in page.content.decode()
        response = client.post(accept_url(token), new_account_form())
        assert response.status_code == 302
        assert response["Location"] == reverse("networks:home", kwargs={"network": "kyrgyzstan"})
        user = User.objects.get(email=NEW)
        assert user.full_name == "Aida New"
        assert user.check_password("a-Long-enough-passphrase-42")
        [membership] = memberships_of(kyrgyzstan, NEW)
        assert (membership.role, membership.organisation) == (
            "member",
            kyrgyzstan.organisations["UNDP"],
        )
        with scopes_disabled():
            invitation.refresh_from_db()
        assert invitation.accepted_by == user and invitation.accepted_at is not None
        home = client.get(reverse("networks:home", kwargs={"network": "kyrgyzstan"}))
        assert home.status_code == 200

    def test_an_invitation_works_once(self, kyrgyzstan, client):
        _invitation, token = invite(kyrgyzstan)
        assert client.post(accept_url(token), new_account_form()).status_code == 302
        client.logout()
        again = client.post(accept_url(token), new_account_form("another-Passphrase-77"))
        assert again.status_code == 410
        assert "already been used" in again.content.decode()
        assert User.objects.filter(email=NEW).count() == 1
        assert User.objects.get(email=NEW).check_password("a-Long-enough-passphrase-42")
        assert len(memberships_of(kyrgyzstan, NEW)) == 1

    # Two connections at once: on SQLite that needs the database in a file (in memory, the
    # second one meets "table is locked" instead of waiting its turn), as the realworker
    # group has it.
    @pytest.mark.realworker
    @pytest.mark.django_db(transaction=True)
    def test_two_clicks_at_the_same_moment_accept_once(self, kyrgyzstan):
        _invitation, token = invite(kyrgyzstan)
        start = threading.Barrier(2)
        outcomes = []

        def accept():
            try:
                start.wait()
                services.invitation_accept(token=token, full_name="A", password="x-Long-pass-99")
                outcomes.append("accepted")
            except ValidationError as error:
                outcomes.append(error.messages[0])
            finally:
                connection.close()

        threads = [threading.Thread(target=accept) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert len(outcomes) == 2 and outcomes.count("accepted") == 1
        assert "already been used" in next(o for o in outcomes if o != "accepted")
        assert User.objects.filter(email=NEW).count() == 1
        assert len(memberships_of(kyrgyzstan, NEW)) == 1

    def test_an_expired_invitation_is_refused_and_changes_nothing(self, kyrgyzstan, client):
        invitation, token = invite(kyrgyzstan)
        with scopes_disabled():
            Invitation.objects.filter(pk=invitation.pk).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            )
        page = client.get(accept_url(token))
        assert page.status_code == 410
        assert "expired" in page.content.decode()
        assert client.post(accept_url(token), new_account_form()).status_code == 410
        assert not User.objects.filter(email=NEW).exists()
        with scopes_disabled():
            invitation.refresh_from_db()
        assert invitation.accepted_at is None

    def test_it_expires_after_seven_days(self, kyrgyzstan, settings):
        assert settings.PORTAL_INVITATION_DAYS == 7
        invitation, _token = invite(kyrgyzstan)
        lifetime = invitation.expires_at - invitation.created_at
        assert timedelta(days=7) - timedelta(minutes=1) < lifetime <= timedelta(days=7)

    def test_a_withdrawn_invitation_is_refused(self, kyrgyzstan, login):
        invitation, token = invite(kyrgyzstan)
        secretariat = login(kyrgyzstan.secretariat)
        secretariat.post(revoke_url(invitation))
        secretariat.logout()
        response = secretariat.post(accept_url(token), new_account_form())
        assert response.status_code == 410
        assert "withdrawn" in response.content.decode()
        assert not User.objects.filter(email=NEW).exists()

    def test_an_accepted_invitation_cannot_be_withdrawn(self, kyrgyzstan, login):
        invitation, token = invite(kyrgyzstan)
        services.invitation_accept(token=token, full_name="A", password="x-Long-pass-99")
        client = login(kyrgyzstan.secretariat)
        page = client.post(revoke_url(invitation), follow=True)
        assert "already been accepted" in page.content.decode()
        with scopes_disabled():
            invitation.refresh_from_db()
        assert invitation.revoked_at is None

    @pytest.mark.parametrize("token", ["not-a-real-token", "x" * 300])
    def test_an_unknown_link_says_so_with_a_404(self, client, db, token):
        response = client.get(accept_url(token))
        assert response.status_code == 404
        assert "link is not valid" in response.content.decode()
        assert client.post(accept_url(token), new_account_form()).status_code == 404
        assert not User.objects.filter(full_name="Aida New").exists()

    @pytest.mark.parametrize(
        "form, field",
        [
            (new_account_form(password="123"), "password1"),
            (new_account_form(password="new.person@undp.test"), "password1"),
            ({**new_account_form(), "password2": "something-else-42"}, "password2"),
            ({**new_account_form(), "full_name": ""}, "full_name"),
        ],
    )
    def test_a_bad_form_is_refused_with_a_message(self, kyrgyzstan, client, form, field):
        _invitation, token = invite(kyrgyzstan)
        response = client.post(accept_url(token), form)
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        assert not User.objects.filter(email=NEW).exists()
        # The link still works afterwards.
        assert client.post(accept_url(token), new_account_form()).status_code == 302

    def test_someone_signed_in_is_told_a_new_account_will_replace_theirs(self, kyrgyzstan, login):
        _invitation, token = invite(kyrgyzstan)
        client = login(kyrgyzstan.secretariat)
        page = client.get(accept_url(token)).content.decode()
        assert "Accepting creates a new account" in page
        client.post(accept_url(token), new_account_form())
        assert client.get(reverse("account-profile")).context["user"].email == NEW


class TestAcceptingWithAnExistingAccount:
    """Mongolia's UNDP focal point is invited into Kyrgyzstan too."""

    def test_signed_out_they_are_asked_to_sign_in_and_come_back(self, kyrgyzstan, mongolia, client):
        _invitation, token = invite(kyrgyzstan, email=mongolia.member.email)
        page = client.get(accept_url(token))
        assert page.status_code == 200
        content = page.content.decode()
        assert "password1" not in content
        assert f"{reverse('account_login')}?next={accept_url(token)}" in content.replace("%2F", "/")
        assert client.post(accept_url(token)).status_code == 403
        assert memberships_of(kyrgyzstan, mongolia.member.email) == []

    def test_signing_in_from_the_page_returns_to_it(self, kyrgyzstan, mongolia, client, password):
        _invitation, token = invite(kyrgyzstan, email=mongolia.member.email)
        response = client.post(
            f"{reverse('account_login')}?next={accept_url(token)}",
            {"login": mongolia.member.email, "password": password},
        )
        assert response["Location"] == accept_url(token)

    def test_signed_in_as_someone_else_nothing_changes(self, kyrgyzstan, mongolia, login):
        _invitation, token = invite(kyrgyzstan, email=mongolia.member.email)
        client = login(kyrgyzstan.member)
        page = client.get(accept_url(token)).content.decode()
        assert "sign out first" in page
        assert client.post(accept_url(token)).status_code == 403
        assert memberships_of(kyrgyzstan, mongolia.member.email) == []
        assert memberships_of(kyrgyzstan, kyrgyzstan.member.email)[0].role == "member"

    def test_signed_in_as_the_invited_address_a_button_accepts(self, kyrgyzstan, mongolia, login):
        invitation, token = invite(kyrgyzstan, email=mongolia.member.email)
        client = login(mongolia.member)
        assert "Accept the invitation" in client.get(accept_url(token)).content.decode()
        assert client.post(accept_url(token)).status_code == 302
        [membership] = memberships_of(kyrgyzstan, mongolia.member.email)
        assert membership.role == "member"
        assert client.get("/n/kyrgyzstan/").status_code == 200
        with scopes_disabled():
            invitation.refresh_from_db()
        assert invitation.accepted_by == mongolia.member

    def test_a_role_that_cannot_start_leaves_the_invitation_open(self, kyrgyzstan, login):
        # The UNHCR focal point is invited as secretariat for IOM: a person acts for one
        # organisation per network.
        person = kyrgyzstan.member_unhcr
        invitation, token = invite(kyrgyzstan, email=person.email, role="secretariat", org="IOM")
        client = login(person)
        response = client.post(accept_url(token))
        assert response.status_code == 409
        assert "already acts for" in response.content.decode()
        assert [m.role for m in memberships_of(kyrgyzstan, person.email)] == ["member"]
        with scopes_disabled():
            invitation.refresh_from_db()
        assert invitation.accepted_at is None
