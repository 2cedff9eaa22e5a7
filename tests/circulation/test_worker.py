"""The circulation engine with a real Celery worker in its own process, a real broker (Redis
when REDIS_URL is set, as in CI; the embedded filesystem broker otherwise) and a real SMTP
server on loopback — and the faults a production mail queue meets: a worker killed in the
middle of a mailing, Redis restarting empty, a mail server down for a while or for good."""

import time
from collections import Counter

import pytest
from django.db import transaction
from django.urls import reverse

from circulation import services
from circulation.models import Delivery
from circulation.tasks import send_circulation, sweep_stuck_deliveries
from networks.models import Network
from networks.scoping import network_scope
from tests.circulation.realworker import Broker, RedisServer, Worker, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.realworker]

EVERYONE = ("secretariat", "co_chair", "co_chair2", "member", "member_unhcr", "partner", "rco")


@pytest.fixture
def broker(tmp_path):
    broker = Broker.for_this_run(tmp_path)
    with broker.publishing():
        yield broker
    broker.clean()


@pytest.fixture
def start_worker(tmp_path, smtp):
    workers = []

    def start(broker, concurrency=1, **env):
        environment = {
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "CIRCULATION_RETRY_BASE": "1",
            **env,
        }
        worker = Worker(tmp_path, broker, environment, concurrency)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def footnote(kyrgyzstan):
    Network.objects.filter(pk=kyrgyzstan.network.pk).update(
        designation_footnote="Designation footnote of this network."
    )
    kyrgyzstan.network.refresh_from_db()


def circulate(net, people=EVERYONE, title="Study on labour migration"):
    with transaction.atomic():  # the action that causes the mailing, committed
        return services.circulation_create(
            network=net.network,
            kind="document",
            sender=net.people["secretariat"],
            recipients=[services.Recipient.of(net.people[key]) for key in people],
            template="document",
            context={"title": title},
            link=f"/n/{net.network.slug}/",
        )


def deliveries(net, circulation):
    with network_scope(net.network):
        return list(Delivery.objects.filter(circulation=circulation))


def settled(net, circulation):
    return all(d.status in ("sent", "failed") for d in deliveries(net, circulation))


def states(net, circulation):
    return lambda: str(
        [(d.address, d.status, d.attempts, d.last_error) for d in deliveries(net, circulation)]
    )


def test_a_real_worker_sends_each_recipient_one_mail_even_when_the_mailing_is_enqueued_twice(
    kyrgyzstan, smtp, broker, start_worker, footnote
):
    smtp.refuse[kyrgyzstan.partner.email] = "550 5.1.1 No such mailbox here"
    worker = start_worker(broker, concurrency=2)
    circulation = circulate(kyrgyzstan)
    send_circulation.delay(circulation.pk)  # a duplicate message: every delivery twice
    wait_until(lambda: settled(kyrgyzstan, circulation), describe=worker.tail)

    by_address = {d.address: d for d in deliveries(kyrgyzstan, circulation)}
    refused = by_address.pop(kyrgyzstan.partner.email)
    assert refused.status == "failed" and "550" in refused.last_error
    assert "No such mailbox here" in refused.last_error
    assert {d.status for d in by_address.values()} == {"sent"}
    received = Counter(m["To"] for m in smtp.messages)
    assert received == Counter(set(by_address))  # each address once, nobody else
    for message in smtp.messages:
        assert message["Message-ID"] == by_address[message["To"]].message_id
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        for part in (text, html):
            assert kyrgyzstan.network.name in part
            assert "Designation footnote of this network." in part
            assert "/c/o/" in part


def test_a_worker_killed_in_the_middle_of_a_mailing_loses_nothing(
    kyrgyzstan, smtp, broker, start_worker, settings
):
    settings.CIRCULATION_STUCK_AFTER = 1
    smtp.hold_at = 3  # the fourth message is not acknowledged until the worker is dead
    worker = start_worker(broker)
    circulation = circulate(kyrgyzstan)
    assert smtp.holding.wait(60), worker.tail()
    in_flight = [d for d in deliveries(kyrgyzstan, circulation) if d.status == "sending"]
    worker.kill()
    smtp.release.set()
    assert len(smtp.messages) == 4

    replacement = start_worker(broker)
    time.sleep(settings.CIRCULATION_STUCK_AFTER + 0.5)

    def swept_and_settled():
        if settled(kyrgyzstan, circulation):
            return True
        sweep_stuck_deliveries()
        return False

    wait_until(swept_and_settled, every=1.5, describe=replacement.tail)
    everyone = {d.address: d for d in deliveries(kyrgyzstan, circulation)}
    assert {d.status for d in everyone.values()} == {"sent"}
    received = Counter(m["To"] for m in smtp.messages)
    assert set(received) == set(everyone)
    duplicates = {address: n for address, n in received.items() if n > 1}
    assert sum(n - 1 for n in duplicates.values()) <= len(in_flight) == 1
    for address in duplicates:
        assert {m["Message-ID"] for m in smtp.to(address)} == {everyone[address].message_id}


def test_deliveries_queued_when_redis_restarts_empty_still_end_sent(
    kyrgyzstan, smtp, tmp_path, start_worker, settings
):
    settings.CIRCULATION_STUCK_AFTER = 1
    redis = RedisServer(tmp_path).start()
    broker = Broker(redis.url, {})
    smtp.delay = 0.3
    try:
        with broker.publishing():
            worker = start_worker(broker)
            circulation = circulate(kyrgyzstan)
            wait_until(lambda: len(smtp.messages) >= 2, describe=worker.tail)
            redis.kill()  # every queued message is gone with it
            redis.start()

            def swept_and_settled():
                if settled(kyrgyzstan, circulation):
                    return True
                sweep_stuck_deliveries()
                return False

            wait_until(swept_and_settled, timeout=120, every=2, describe=worker.tail)
    finally:
        redis.kill()
    assert {d.status for d in deliveries(kyrgyzstan, circulation)} == {"sent"}
    assert {m["To"] for m in smtp.messages} == {
        d.address for d in deliveries(kyrgyzstan, circulation)
    }


def test_a_mail_server_down_for_a_while_gets_every_mail_when_it_is_back(
    kyrgyzstan, smtp, broker, start_worker
):
    smtp.stop()
    worker = start_worker(broker)
    circulation = circulate(kyrgyzstan, people=("member", "co_chair", "rco"))
    wait_until(
        lambda: all(d.attempts >= 2 for d in deliveries(kyrgyzstan, circulation)),
        describe=worker.tail,
    )
    assert {d.status for d in deliveries(kyrgyzstan, circulation)} <= {"queued", "sending"}
    assert all("Connection" in d.last_error for d in deliveries(kyrgyzstan, circulation))
    smtp.start()
    wait_until(lambda: settled(kyrgyzstan, circulation), describe=states(kyrgyzstan, circulation))
    assert {d.status for d in deliveries(kyrgyzstan, circulation)} == {"sent"}
    assert Counter(m["To"] for m in smtp.messages) == Counter(
        d.address for d in deliveries(kyrgyzstan, circulation)
    )


def test_a_mail_server_down_for_good_fails_the_deliveries_with_the_reason_on_the_page(
    kyrgyzstan, smtp, broker, start_worker, login
):
    smtp.stop()
    worker = start_worker(broker, CIRCULATION_MAX_ATTEMPTS="3")
    circulation = circulate(kyrgyzstan, people=("member", "co_chair"))
    wait_until(lambda: settled(kyrgyzstan, circulation), describe=worker.tail)
    for delivery in deliveries(kyrgyzstan, circulation):
        assert delivery.status == "failed" and delivery.attempts == 3
        assert "Gave up after 3 attempts" in delivery.last_error
        assert "ConnectionRefusedError" in delivery.last_error
    page = login(kyrgyzstan.secretariat).get(
        reverse(
            "circulation:detail",
            kwargs={"network": "kyrgyzstan", "circulation_id": circulation.pk},
        ),
        {"status": "failed"},
    )
    assert "Gave up after 3 attempts" in page.content.decode()
    assert "Send again" in page.content.decode()
