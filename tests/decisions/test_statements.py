"""One-Voice joint statements: drafted by the secretariat, cleared by the co-chairs under
the network's rule for minutes, optionally put to a silence procedure, issued (and then
frozen), made public only as a recorded act, and corrected only as a new version."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from circulation.models import Circulation, Delivery
from decisions import services
from decisions.models import JointStatement, Procedure, StatementVersion
from decisions.tasks import close_due_procedures
from networks.models import Network
from networks.scoping import network_scope
from tests.decisions.test_procedures import answer, draft, pass_deadline, refreshed
from workflow import FrozenError

pytestmark = pytest.mark.django_db

TITLE = "Joint statement on International Migrants Day"


def drafted(net, title=TITLE) -> JointStatement:
    with network_scope(net.network):
        return services.statement_draft(
            network=net.network,
            by=net.secretariat,
            title=title,
            text="The UN Network on Migration stands with every migrant.",
        )


def submitted(net, statement=None) -> StatementVersion:
    statement = statement or drafted(net)
    with network_scope(net.network):
        return services.statement_submit(statement=statement, by=net.secretariat)


def clear(net, version, *keys):
    with network_scope(net.network):
        for key in keys:
            services.statement_clear(
                statement=version.statement,
                by=net.people[key],
                content_sha256=version.content_sha256,
            )
        version.refresh_from_db()
    return version


def cleared(net, statement=None) -> StatementVersion:
    return clear(net, submitted(net, statement), "co_chair", "co_chair2")


def mails(net, template_subject: str) -> list[Circulation]:
    with network_scope(net.network):
        return [
            c
            for c in Circulation.objects.all()
            if c.rendered["en"]["subject"].startswith(template_subject)
        ]


def addresses(net, circulation) -> set[str]:
    with network_scope(net.network):
        return set(
            Delivery.objects.filter(circulation=circulation).values_list("address", flat=True)
        )


def silence(net, statement, hours=48) -> Procedure:
    with network_scope(net.network):
        return services.procedure_open(
            statement=statement,
            by=net.secretariat,
            kind="silence",
            deadline=timezone.now() + timedelta(hours=hours),
        )


class TestClearance:
    def test_every_co_chair_clears_under_the_default_rule_and_the_secretariat_is_told(
        self, kyrgyzstan
    ):
        version = submitted(kyrgyzstan)
        [request] = mails(kyrgyzstan, "For your clearance")
        assert addresses(kyrgyzstan, request) == {
            kyrgyzstan.co_chair.email,
            kyrgyzstan.co_chair2.email,
        }
        clear(kyrgyzstan, version, "co_chair")
        assert version.cleared_at is None
        assert refreshed(kyrgyzstan, version.statement).status == "submitted"
        with network_scope(kyrgyzstan.network), pytest.raises(ValidationError, match="already"):
            services.statement_clear(
                statement=version.statement,
                by=kyrgyzstan.co_chair,
                content_sha256=version.content_sha256,
            )
        clear(kyrgyzstan, version, "co_chair2")
        assert version.cleared_at is not None
        assert refreshed(kyrgyzstan, version.statement).status == "cleared"
        [told] = mails(kyrgyzstan, "Cleared by the co-chairs")
        assert addresses(kyrgyzstan, told) == {kyrgyzstan.secretariat.email}

    def test_any_one_co_chair_clears_where_that_is_the_networks_rule_for_minutes(self, kyrgyzstan):
        Network.objects.filter(pk=kyrgyzstan.network.pk).update(
            minutes_approval_rule=Network.ApprovalRule.ANY_CO_CHAIR
        )
        version = clear(kyrgyzstan, submitted(kyrgyzstan), "co_chair")
        assert version.cleared_at is not None

    def test_a_co_chair_clears_only_the_words_they_read(self, kyrgyzstan):
        version = submitted(kyrgyzstan)
        with network_scope(kyrgyzstan.network), pytest.raises(ValidationError, match="changed"):
            services.statement_clear(
                statement=version.statement, by=kyrgyzstan.co_chair, content_sha256="0" * 64
            )

    def test_a_returned_statement_is_a_draft_again_with_the_comment(self, kyrgyzstan):
        version = submitted(kyrgyzstan)
        with network_scope(kyrgyzstan.network):
            with pytest.raises(ValidationError, match="change"):
                services.statement_return(
                    statement=version.statement, by=kyrgyzstan.co_chair, note=" "
                )
            services.statement_return(
                statement=version.statement, by=kyrgyzstan.co_chair, note="Shorter, please."
            )
        statement = refreshed(kyrgyzstan, version.statement)
        assert (statement.status, statement.returned_note) == ("draft", "Shorter, please.")


class TestSilence:
    def test_silence_kept_means_agreed_then_issued_to_the_network(self, kyrgyzstan):
        statement = cleared(kyrgyzstan).statement
        procedure = silence(kyrgyzstan, statement)
        assert refreshed(kyrgyzstan, statement).status == "silence"
        [opened] = mails(kyrgyzstan, "Silence procedure")
        assert "joint statement below is agreed" in opened.rendered["en"]["text"]
        pass_deadline(kyrgyzstan, procedure)
        assert close_due_procedures() == 1
        assert refreshed(kyrgyzstan, statement).status == "agreed"
        assert refreshed(kyrgyzstan, procedure).outcome == "adopted"
        with network_scope(kyrgyzstan.network):
            services.statement_issue(statement=statement, by=kyrgyzstan.secretariat)
        statement = refreshed(kyrgyzstan, statement)
        assert statement.status == "issued" and statement.issued_version.number == 1
        [issued] = mails(kyrgyzstan, "Joint statement:")
        told = addresses(kyrgyzstan, issued)
        assert {kyrgyzstan.member.email, kyrgyzstan.rco.email} <= told
        assert kyrgyzstan.partner.email not in told  # internal until made public

    def test_silence_broken_is_not_agreed_once_the_co_chairs_record_it(self, kyrgyzstan):
        statement = cleared(kyrgyzstan).statement
        procedure = silence(kyrgyzstan, statement)
        answer(kyrgyzstan, procedure, "member_unhcr", "UNHCR", "break", "Paragraph 3 is wrong.")
        [alert] = mails(kyrgyzstan, "Silence broken by UNHCR")
        assert addresses(kyrgyzstan, alert) == {
            kyrgyzstan.co_chair.email,
            kyrgyzstan.co_chair2.email,
        }
        pass_deadline(kyrgyzstan, procedure)
        close_due_procedures()
        assert refreshed(kyrgyzstan, statement).status == "silence"
        with network_scope(kyrgyzstan.network):
            with pytest.raises(ValidationError, match="objection"):
                services.outcome_record(
                    procedure=procedure, by=kyrgyzstan.co_chair, outcome="adopted", statement="x"
                )
            services.outcome_record(
                procedure=procedure,
                by=kyrgyzstan.co_chair,
                outcome="no_consensus",
                statement="Referred to the Q4 meeting.",
            )
            with pytest.raises(ValidationError, match="cleared"):
                services.statement_issue(statement=statement, by=kyrgyzstan.secretariat)
        assert refreshed(kyrgyzstan, statement).status == "not_agreed"

    def test_only_a_cleared_statement_goes_to_silence_and_only_to_silence(self, kyrgyzstan):
        statement = drafted(kyrgyzstan)
        with pytest.raises(ValidationError, match="cleared"):
            silence(kyrgyzstan, statement)
        cleared(kyrgyzstan, statement)
        with network_scope(kyrgyzstan.network), pytest.raises(ValidationError, match="silence"):
            services.procedure_open(
                statement=statement,
                by=kyrgyzstan.secretariat,
                kind="consultation",
                deadline=timezone.now() + timedelta(days=1),
            )
        assert refreshed(kyrgyzstan, statement).status == "cleared"

    def test_a_procedure_is_on_a_decision_or_a_statement_never_both_nor_neither(self, kyrgyzstan):
        statement = drafted(kyrgyzstan)
        decision = draft(kyrgyzstan)
        deadline = timezone.now() + timedelta(days=1)
        with network_scope(kyrgyzstan.network):
            for subjects in ({"decision": decision, "joint_statement": statement}, {}):
                with pytest.raises(IntegrityError), transaction.atomic():
                    Procedure.objects.create(
                        network=kyrgyzstan.network, kind="silence", deadline=deadline, **subjects
                    )


class TestIssuedIsFrozen:
    def test_a_cleared_version_never_changes_and_a_correction_is_a_new_version(self, kyrgyzstan):
        version = cleared(kyrgyzstan)
        statement = version.statement
        with network_scope(kyrgyzstan.network):
            services.statement_issue(statement=statement, by=kyrgyzstan.secretariat)
            version.text = "Something else."
            with pytest.raises(FrozenError):
                version.save()
            with pytest.raises(FrozenError):
                StatementVersion.objects.filter(pk=version.pk).update(text="Something else.")
            with pytest.raises(FrozenError):
                StatementVersion.objects.filter(pk=version.pk).delete()
            with pytest.raises(ValidationError, match="draft"):
                services.statement_edit(
                    statement=statement, by=kyrgyzstan.secretariat, title="New", text="New"
                )
            with pytest.raises(ValidationError, match="reason"):
                services.statement_revise(statement=statement, by=kyrgyzstan.secretariat, reason="")
            services.statement_revise(
                statement=statement, by=kyrgyzstan.secretariat, reason="A figure was wrong."
            )
            services.statement_edit(
                statement=statement, by=kyrgyzstan.secretariat, title=TITLE, text="Corrected."
            )
        correction = cleared(kyrgyzstan, statement)
        assert (correction.number, correction.reason) == (2, "A figure was wrong.")
        with network_scope(kyrgyzstan.network):
            first = StatementVersion.objects.get(statement=statement, number=1)
        assert first.text == "The UN Network on Migration stands with every migrant."


class TestPublic:
    def issued(self, net) -> JointStatement:
        statement = cleared(net).statement
        with network_scope(net.network):
            return services.statement_issue(statement=statement, by=net.secretariat)

    def test_making_it_public_is_a_recorded_act_and_the_public_page_shows_it(
        self, kyrgyzstan, client
    ):
        statement = self.issued(kyrgyzstan)
        public_page = reverse("public-network", kwargs={"network": "kyrgyzstan"})
        assert TITLE not in client.get(public_page).content.decode()
        with network_scope(kyrgyzstan.network):
            with pytest.raises(ValidationError, match="recorded agreement"):
                services.statement_publish(
                    statement=statement, by=kyrgyzstan.co_chair, agreement="  "
                )
            publication = services.statement_publish(
                statement=statement, by=kyrgyzstan.co_chair, agreement="Co-chairs, 3 May 2026"
            )
            with pytest.raises(ValidationError, match="already public"):
                services.statement_publish(
                    statement=statement, by=kyrgyzstan.co_chair, agreement="Again"
                )
        assert (publication.published_by, publication.agreement) == (
            kyrgyzstan.co_chair,
            "Co-chairs, 3 May 2026",
        )
        page = client.get(public_page).content.decode()
        assert TITLE in page and "stands with every migrant" in page

    def test_a_statement_that_was_never_issued_cannot_be_made_public(self, kyrgyzstan, client):
        statement = cleared(kyrgyzstan).statement
        with network_scope(kyrgyzstan.network), pytest.raises(ValidationError, match="issued"):
            services.statement_publish(statement=statement, by=kyrgyzstan.co_chair, agreement="x")
        public_page = reverse("public-network", kwargs={"network": "kyrgyzstan"})
        assert TITLE not in client.get(public_page).content.decode()

    def test_a_correction_is_not_public_until_it_is_published_in_turn(self, kyrgyzstan, client):
        statement = self.issued(kyrgyzstan)
        with network_scope(kyrgyzstan.network):
            services.statement_publish(statement=statement, by=kyrgyzstan.co_chair, agreement="A")
            services.statement_revise(statement=statement, by=kyrgyzstan.secretariat, reason="Typo")
            services.statement_edit(
                statement=statement, by=kyrgyzstan.secretariat, title=TITLE, text="Corrected text."
            )
        cleared(kyrgyzstan, statement)
        with network_scope(kyrgyzstan.network):
            services.statement_issue(statement=statement, by=kyrgyzstan.secretariat)
        public_page = reverse("public-network", kwargs={"network": "kyrgyzstan"})
        page = client.get(public_page).content.decode()
        assert "stands with every migrant" in page and "Corrected text." not in page
        with network_scope(kyrgyzstan.network):
            services.statement_publish(statement=statement, by=kyrgyzstan.co_chair, agreement="B")
        page = client.get(public_page).content.decode()
        assert "Corrected text." in page and "stands with every migrant" not in page


class TestPages:
    def url(self, statement, step="") -> str:
        base = reverse(
            "decisions:statement", kwargs={"network": "kyrgyzstan", "statement_id": statement.pk}
        )
        return f"{base}{step}/" if step else base

    def test_each_role_does_its_part_through_the_pages(self, kyrgyzstan, login):
        officer = login(kyrgyzstan.secretariat)
        register = reverse("decisions:register", kwargs={"network": "kyrgyzstan"})
        assert "Joint statements" in officer.get(register).content.decode()
        created = officer.post(
            reverse("decisions:statement-create", kwargs={"network": "kyrgyzstan"}),
            {"title": TITLE, "text": "We stand together."},
            follow=True,
        )
        assert "The draft statement is saved." in created.content.decode()
        with network_scope(kyrgyzstan.network):
            statement = JointStatement.objects.get()
        officer.post(self.url(statement, "edit"), {"title": TITLE, "text": "We stand as one."})
        submitted_page = officer.post(self.url(statement, "submit"), follow=True)
        assert "the co-chairs are told" in submitted_page.content.decode()
        member = login(kyrgyzstan.member)
        assert member.post(self.url(statement, "clear")).status_code == 403
        with network_scope(kyrgyzstan.network):
            version = StatementVersion.objects.get(statement=statement)
        for key in ("co_chair", "co_chair2"):
            page = login(kyrgyzstan.people[key]).get(self.url(statement)).content.decode()
            assert "Clear this version" in page
            login(kyrgyzstan.people[key]).post(
                self.url(statement, "clear"), {"content_sha256": version.content_sha256}
            )
        assert refreshed(kyrgyzstan, statement).status == "cleared"
        officer = login(kyrgyzstan.secretariat)
        issued = officer.post(self.url(statement, "issue"), follow=True).content.decode()
        assert "The statement is issued and circulated." in issued
        refused = officer.post(self.url(statement, "public"), {"agreement": ""}, follow=True)
        assert "This field is required." in refused.content.decode()
        officer.post(self.url(statement, "public"), {"agreement": "Co-chairs' act of 3 May"})
        page = login(kyrgyzstan.member).get(self.url(statement)).content.decode()
        assert "We stand as one." in page and "Co-chairs&#x27; act of 3 May" in page
        assert login(kyrgyzstan.partner).get(self.url(statement)).status_code == 403

    def test_a_deadline_in_the_past_is_refused_and_nothing_changes(self, kyrgyzstan, login):
        statement = cleared(kyrgyzstan).statement
        past = timezone.localtime(timezone.now() - timedelta(hours=1), kyrgyzstan.network.zone)
        response = login(kyrgyzstan.secretariat).post(
            self.url(statement, "silence"),
            {"deadline": past.strftime("%Y-%m-%dT%H:%M")},
            follow=True,
        )
        assert "Give a deadline in the future." in response.content.decode()
        assert refreshed(kyrgyzstan, statement).status == "cleared"

    def test_the_list_and_the_statement_page_run_fixed_queries_as_statements_grow(
        self, kyrgyzstan, login
    ):
        from django.db import connection

        client: Client = login(kyrgyzstan.member)
        first = cleared(kyrgyzstan).statement
        procedure = silence(kyrgyzstan, first)
        answer(kyrgyzstan, procedure, "member_unhcr", "UNHCR", "break", "No.")
        answer(kyrgyzstan, procedure, "member", "UNDP", "concur")
        listing = reverse("decisions:statements", kwargs={"network": "kyrgyzstan"})

        def count(path):
            with CaptureQueriesContext(connection) as context:
                assert client.get(path).status_code == 200
            return len(context.captured_queries)

        count(listing)  # the first request of a session costs more (the session itself)
        small = (count(listing), count(self.url(first)))
        for number in range(6):
            other = cleared(kyrgyzstan, drafted(kyrgyzstan, f"Statement {number}")).statement
            answer(kyrgyzstan, silence(kyrgyzstan, other), "member", "UNDP", "concur")
        answer(kyrgyzstan, procedure, "secretariat", "IOM", "concur")
        answer(kyrgyzstan, procedure, "co_chair", "RCO", "concur")
        assert (count(listing), count(self.url(first))) == small


def test_members_read_only_what_the_co_chairs_cleared(kyrgyzstan, login):
    version = submitted(kyrgyzstan)
    statement = version.statement
    page = reverse(
        "decisions:statement", kwargs={"network": "kyrgyzstan", "statement_id": statement.pk}
    )
    listing = reverse("decisions:statements", kwargs={"network": "kyrgyzstan"})
    assert login(kyrgyzstan.member).get(page).status_code == 404
    assert TITLE not in login(kyrgyzstan.member).get(listing).content.decode()
    clear(kyrgyzstan, version, "co_chair", "co_chair2")
    with network_scope(kyrgyzstan.network):
        services.statement_revise(statement=statement, by=kyrgyzstan.secretariat, reason="Typo")
        services.statement_edit(
            statement=statement, by=kyrgyzstan.secretariat, title=TITLE, text="Draft words."
        )
    member_view = login(kyrgyzstan.member).get(page).content.decode()
    assert "stands with every migrant" in member_view and "Draft words." not in member_view
    assert "Draft words." in login(kyrgyzstan.secretariat).get(page).content.decode()
