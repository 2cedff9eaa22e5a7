"""networks.tasks.NetworkTask: a task on it works inside the network it is called with — its
rows and its clock — and nowhere else."""

import pytest
from celery import shared_task
from django.utils import timezone

from networks.models import Membership, Network
from networks.scoping import ScopeError, network_scope
from networks.tasks import NetworkTask
from portal import clock


def _seen() -> dict:
    return {
        "networks": set(Membership.objects.values_list("network_id", flat=True)),
        "zone": timezone.get_current_timezone_name(),
        "label": clock.zone_name(),
    }


@shared_task(base=NetworkTask)
def what_a_network_task_sees(network_id: int) -> dict:
    return _seen()


@shared_task(base=NetworkTask, network_model=Membership, missing="gone")
def what_a_row_task_sees(membership_id: int) -> dict:
    return {**_seen(), "row": Membership.objects.get(pk=membership_id).network_id}


def test_a_task_called_with_a_network_sees_only_its_rows_on_its_clock(kyrgyzstan, mongolia):
    seen = what_a_network_task_sees.apply(kwargs={"network_id": kyrgyzstan.network.pk}).get()
    assert seen == {
        "networks": {kyrgyzstan.network.pk},
        "zone": "Asia/Bishkek",
        "label": "Bishkek time",
    }
    seen = what_a_network_task_sees(mongolia.network.pk)  # called directly, as a beat job does
    assert seen["networks"] == {mongolia.network.pk} and seen["zone"] == "Asia/Ulaanbaatar"
    # Nothing stays entered after the task.
    assert timezone.get_current_timezone_name() == "UTC"
    with pytest.raises(ScopeError):
        Membership.objects.count()


def test_a_task_given_a_row_works_in_that_rows_network(kyrgyzstan, mongolia):
    with network_scope(kyrgyzstan.network):
        in_kyrgyzstan = Membership.objects.filter(user=kyrgyzstan.member).first()
    seen = what_a_row_task_sees.apply(args=[in_kyrgyzstan.pk]).get()
    assert seen["row"] == kyrgyzstan.network.pk
    assert seen["networks"] == {kyrgyzstan.network.pk} and seen["zone"] == "Asia/Bishkek"
    assert what_a_row_task_sees.apply(args=[10**9]).get() == "gone"


def test_a_beat_job_runs_the_task_once_in_each_network(kyrgyzstan, mongolia):
    networks = list(Network.objects.order_by("pk"))
    results = what_a_network_task_sees.for_each_network()
    assert [seen["zone"] for seen in results] == [network.time_zone for network in networks]
    assert [seen["networks"] for seen in results] == [{network.pk} for network in networks]
