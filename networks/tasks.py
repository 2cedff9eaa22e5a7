"""`NetworkTask`: the base of every Celery task that works inside one network.

A task on it never enters its network by hand: the base finds the network from the task's
arguments and runs the task inside it — its rows (`networks.scoping.network_scope`) and its
clock (`portal.clock.network_time`), as `networks.scoping.network_entered` does. The network
comes from

- the task's `network_id` argument (`@shared_task(base=NetworkTask)`), or
- the row its first argument names, when the task declares `network_model` (a
  network-owned model: `@shared_task(base=NetworkTask, network_model=Delivery)`); a row
  that no longer exists runs nothing and returns the task's `missing` (None by default).

A beat job over every network calls the task once per network (`for_each_network`),
synchronously, each call in its own network. Retries (`bind=True`, `max_retries`, …) are
the task's own options, as with any Celery task.

This module imports no app above networks.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any, ClassVar

from celery import Task
from django.db import models

from networks.models import Network
from networks.scoping import network_entered, scopes_disabled


class NetworkTask(Task):
    network_model: ClassVar[type[models.Model] | None] = None
    missing: ClassVar[Any] = None
    # The argument naming the network, for tasks without a network_model.
    network_argument: ClassVar[str] = "network_id"

    def network_of(self, args: tuple, kwargs: dict) -> int | None:
        """The id of the network this call works in, or None when its row is gone."""
        bound = inspect.signature(self.run).bind(*args, **kwargs)
        if self.network_model is None:
            if self.network_argument not in bound.arguments:
                raise TypeError(f"{self.name} needs a {self.network_argument} argument.")
            return int(bound.arguments[self.network_argument])
        row_id = next(iter(bound.arguments.values()))
        # Only the row's network is read across networks; the task runs inside it.
        with scopes_disabled():
            return (
                self.network_model._default_manager.filter(pk=row_id)
                .values_list("network_id", flat=True)
                .first()
            )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        network_id = self.network_of(args, kwargs)
        if network_id is None:
            return self.missing
        with network_entered(network_id):
            return super().__call__(*args, **kwargs)

    def for_each_network(self, network_ids: Iterable[int] | None = None) -> list[Any]:
        """Run the task now in each network (every network by default, by id), one call per
        network, each inside its own; the results in that order."""
        if network_ids is None:
            network_ids = Network.objects.order_by("pk").values_list("pk", flat=True)
        return [self(**{self.network_argument: network_id}) for network_id in network_ids]
