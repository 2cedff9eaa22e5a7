"""The secretariat ends memberships and invites people through the API; nobody else may,
and bad input is a 400 naming the field, with nothing changed and nothing sent."""

import re
from unittest import mock

import pytest
from django.test import Client

from circulation.models import Delivery
from networks.models import Invitation, Membership
from networks.scoping import network_scope, scopes_disabled
from tests.api.helpers import KG, membership, post_json


def invitations() -> list[Invitation]:
    """Kyrgyzstan's invitations (the network every test here writes to)."""
    with scopes_disabled():
        return list(Invitation.objects.filter(network__slug="kyrgyzstan"))


@pytest.fixture
def enqueued():
    """The mailings enqueued after commit (the sending task's .delay calls)."""
    with mock.patch("circulation.tasks.send_circulation.delay") as delay:
        yield delay


def invitation_mail(invitation: Invitation) -> Delivery:
    """The one delivery of the invitation's email."""
    with scopes_disabled():
        return Delivery.objects.select_related("circulation").get(
            circulation__kind="invitation", circulation__about_id=invitation.pk
        )


class TestEndingAMembership:
    def test_the_secretariat_ends_one_and_it_is_kept_with_its_reason(self, kyrgyzstan, api):
        role = membership(kyrgyzstan)
        response = post_json(
            api(kyrgyzstan.secretariat),
            f"{KG}/members/{role.pk}/end/",
            {"reason": "  Left UNDP  "},
        )
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == role.pk
        assert body["email"] == kyrgyzstan.member.email
        assert body["ended_at"] is not None
        with network_scope(kyrgyzstan.network):
            stored = Membership.objects.get(pk=role.pk)
        assert stored.ended_at is not None
        assert stored.ended_by == kyrgyzstan.secretariat
        assert stored.end_reason == "Left UNDP"

    def test_the_reason_is_optional(self, kyrgyzstan, api):
        role = membership(kyrgyzstan)
        response = post_json(api(kyrgyzstan.secretariat), f"{KG}/members/{role.pk}/end/")
        assert response.status_code == 200

    def test_ending_an_ended_membership_is_a_409(self, kyrgyzstan, api):
        client = api(kyrgyzstan.secretariat)
        address = f"{KG}/members/{membership(kyrgyzstan).pk}/end/"
        assert post_json(client, address, {"reason": "Moved"}).status_code == 200
        again = post_json(client, address, {"reason": "Twice"})
        assert again.status_code == 409
        assert again.json() == {
            "error": {
                "status": 409,
                "code": "wrong_state",
                "message": "This membership has already ended.",
            }
        }
        with network_scope(kyrgyzstan.network):
            assert Membership.objects.get(user=kyrgyzstan.member).end_reason == "Moved"

    @pytest.mark.parametrize("key", ["co_chair", "member", "rco", "partner"])
    def test_anyone_but_the_secretariat_gets_403_and_nothing_changes(self, kyrgyzstan, api, key):
        target = membership(kyrgyzstan, "member_unhcr")
        response = post_json(api(kyrgyzstan.people[key]), f"{KG}/members/{target.pk}/end/")
        assert response.status_code == 403
        assert response.json() == {
            "error": {
                "status": 403,
                "code": "not_allowed",
                "message": "Your role in this network does not allow this.",
            }
        }
        with network_scope(kyrgyzstan.network):
            assert Membership.objects.get(pk=target.pk).ended_at is None

    def test_a_membership_of_another_network_is_not_found(self, kyrgyzstan, mongolia, api):
        theirs = membership(mongolia)
        response = post_json(api(kyrgyzstan.secretariat), f"{KG}/members/{theirs.pk}/end/")
        assert response.status_code == 404
        with network_scope(mongolia.network):
            assert Membership.objects.get(pk=theirs.pk).ended_at is None

    @pytest.mark.parametrize(
        "payload",
        [
            {"reason": "x" * 301},
            {"reason": ["a list"]},
            {"reason": {"a": "dict"}},
            {"reason": "nul\u0000byte"},
            {"reason": None},
        ],
    )
    def test_a_bad_reason_is_a_400_and_nothing_changes(self, kyrgyzstan, api, payload):
        role = membership(kyrgyzstan)
        response = post_json(api(kyrgyzstan.secretariat), f"{KG}/members/{role.pk}/end/", payload)
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["reason"]
        with network_scope(kyrgyzstan.network):
            assert Membership.objects.get(pk=role.pk).ended_at is None


class TestInviting:
    def payload(self, net, **changes):
        return {
            "email": "New.Person@UNHCR.test",
            "full_name": "New Person",
            "organisation": net.organisations["UNHCR"].pk,
            "role": "member",
            **changes,
        }

    def test_the_secretariat_invites_and_the_email_goes_after_commit(
        self, kyrgyzstan, api, enqueued, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = post_json(
                api(kyrgyzstan.secretariat), f"{KG}/invitations/", self.payload(kyrgyzstan)
            )
        assert response.status_code == 201, response.json()
        [invitation] = invitations()
        body = response.json()
        assert body == {
            "id": invitation.pk,
            "email": "new.person@unhcr.test",
            "full_name": "New Person",
            "organisation": {
                "id": kyrgyzstan.organisations["UNHCR"].pk,
                "name": "UN High Commissioner for Refugees",
                "acronym": "UNHCR",
            },
            "role": "member",
            "created_at": body["created_at"],
            "expires_at": body["expires_at"],
        }
        assert invitation.network == kyrgyzstan.network
        assert invitation.invited_by == kyrgyzstan.secretariat
        assert invitation.token_hash not in response.content.decode()
        assert len(callbacks) == 1
        delivery = invitation_mail(invitation)
        assert delivery.address == "new.person@unhcr.test" and delivery.language == "en"
        enqueued.assert_called_once_with(delivery.circulation_id)

    def test_the_invitee_gets_an_email_whose_link_works(
        self, kyrgyzstan, api, mailoutbox, django_capture_on_commit_callbacks, settings
    ):
        settings.CELERY_TASK_ALWAYS_EAGER = True
        with django_capture_on_commit_callbacks(execute=True):
            response = post_json(
                api(kyrgyzstan.secretariat), f"{KG}/invitations/", self.payload(kyrgyzstan)
            )
        assert response.status_code == 201
        [message] = mailoutbox
        assert message.to == ["new.person@unhcr.test"]
        link = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", message.body)[1]
        page = Client().get(link)
        assert page.status_code == 200
        assert kyrgyzstan.network.name in page.content.decode()

    def test_the_email_is_in_the_language_of_the_request(
        self, kyrgyzstan, api, enqueued, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            post_json(
                api(kyrgyzstan.secretariat),
                f"{KG}/invitations/",
                self.payload(kyrgyzstan),
                HTTP_ACCEPT_LANGUAGE="ru",
            )
        delivery = invitation_mail(invitations()[0])
        assert delivery.language == "ru"
        assert "Приглашение" in delivery.circulation.rendered["ru"]["subject"]
        enqueued.assert_called_once_with(delivery.circulation_id)

    @pytest.mark.parametrize("key", ["co_chair", "member", "rco", "partner"])
    def test_anyone_but_the_secretariat_gets_403_and_nothing_is_stored(
        self, kyrgyzstan, api, enqueued, key
    ):
        response = post_json(
            api(kyrgyzstan.people[key]), f"{KG}/invitations/", self.payload(kyrgyzstan)
        )
        assert response.status_code == 403
        assert invitations() == []
        enqueued.assert_not_called()

    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"email": "not-an-email"}, "email"),
            ({"email": ""}, "email"),
            ({"email": None}, "email"),
            ({"email": "a\u0000@b.test"}, "email"),
            ({"email": "a@" + "b" * 300 + ".test"}, "email"),
            ({"full_name": "x" * 201}, "full_name"),
            ({"full_name": ["a list"]}, "full_name"),
            ({"organisation": 999999}, "organisation"),
            ({"organisation": "abc"}, "organisation"),
            ({"organisation": True}, "organisation"),
            ({"organisation": [1]}, "organisation"),
            ({"organisation": 99999999999999999999999}, "organisation"),
            ({"organisation": None}, "organisation"),
            ({"role": "emperor"}, "role"),
            ({"role": "regional_viewer"}, "role"),
            ({"role": ""}, "role"),
        ],
    )
    def test_bad_input_is_a_400_with_the_field_and_nothing_is_stored(
        self, kyrgyzstan, api, enqueued, changes, field
    ):
        response = post_json(
            api(kyrgyzstan.secretariat), f"{KG}/invitations/", self.payload(kyrgyzstan, **changes)
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["message"] == "The request has errors; nothing was changed."
        assert list(error["fields"]) == [field]
        assert all(isinstance(m, str) and m for m in error["fields"][field])
        assert invitations() == []
        enqueued.assert_not_called()

    @pytest.mark.parametrize("missing", ["email", "organisation", "role"])
    def test_required_fields(self, kyrgyzstan, api, missing):
        payload = self.payload(kyrgyzstan)
        del payload[missing]
        response = post_json(api(kyrgyzstan.secretariat), f"{KG}/invitations/", payload)
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {missing: ["This field is required."]}

    def test_an_organisation_outside_the_network_is_refused(self, kyrgyzstan, mongolia, api):
        response = post_json(
            api(kyrgyzstan.secretariat),
            f"{KG}/invitations/",
            self.payload(kyrgyzstan, organisation=mongolia.organisations["AUTH"].pk),
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "organisation": ["Choose an organisation that takes part in this network."]
        }
        assert invitations() == []

    def test_someone_who_already_holds_the_role_is_not_invited_again(self, kyrgyzstan, api):
        response = post_json(
            api(kyrgyzstan.secretariat),
            f"{KG}/invitations/",
            self.payload(kyrgyzstan, email=kyrgyzstan.member.email.upper()),
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"] == {
            "non_field_errors": ["This person already holds that role in this network."]
        }
        assert invitations() == []

    @pytest.mark.parametrize("body", ["[]", '"text"', "null", "5", "{}"])
    def test_a_body_that_is_not_an_object_with_fields_is_a_400(self, kyrgyzstan, api, body):
        response = api(kyrgyzstan.secretariat).post(
            f"{KG}/invitations/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["fields"]
        assert invitations() == []


class TestMalformedBodies:
    """Whatever arrives, the answer is a 4xx in the error shape; nothing is stored."""

    @pytest.mark.parametrize(
        "body, message",
        [
            ("{not json", "The request body is not valid JSON"),
            ('{"email": "a@b.test",}', "The request body is not valid JSON"),
            ('{"email": NaN}', "The request body is not valid JSON"),
            ('{"organisation": 1e999}', "The request body is not valid JSON"),
            ('{"organisation": ' + "9" * 5000 + "}", "The request body is not valid JSON"),
            ("[" * 100_000 + "]" * 100_000, "The request body is nested too deeply."),
            ('{"full_name": "\\ud800"}', "The request body contains text that is not valid"),
            (b'{"full_name": "\xff\xfe"}', "The request body is not valid JSON"),
        ],
        ids=[
            "broken",
            "trailing-comma",
            "nan",
            "infinity",
            "huge-int",
            "deep",
            "lone-surrogate",
            "not-utf8",
        ],
    )
    def test_malformed_json_is_a_400_parse_error(self, kyrgyzstan, api, body, message):
        response = api(kyrgyzstan.secretariat).post(
            f"{KG}/invitations/", body, content_type="application/json"
        )
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "parse_error"
        assert error["message"].startswith(message)
        assert invitations() == []

    def test_a_body_too_large_is_refused(self, kyrgyzstan, api, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
        body = '{"full_name": "' + "x" * 2000 + '"}'
        response = api(kyrgyzstan.secretariat).post(
            f"{KG}/invitations/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "The request body is too large."

    @pytest.mark.parametrize(
        "content_type", ["application/x-www-form-urlencoded", "text/plain", "application/xml"]
    )
    def test_a_body_that_is_not_json_is_a_415(self, kyrgyzstan, api, content_type):
        response = api(kyrgyzstan.secretariat).post(
            f"{KG}/invitations/", "email=a@b.test&role=member", content_type=content_type
        )
        assert response.status_code == 415
        assert response.json()["error"]["code"] == "unsupported_media_type"
        assert invitations() == []

    def test_multipart_form_posts_are_415_too(self, kyrgyzstan, api):
        response = api(kyrgyzstan.secretariat).post(
            f"{KG}/members/{membership(kyrgyzstan).pk}/end/", {"reason": "form"}
        )
        assert response.status_code == 415
        with network_scope(kyrgyzstan.network):
            assert Membership.objects.get(user=kyrgyzstan.member).ended_at is None
