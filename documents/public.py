"""What a network's public page shows beside its public documents. The apps above documents
that publish something (decisions: the joint statements made public) register a provider
in their AppConfig.ready(); the page puts each provider's rows in its context under the
provider's name. A provider runs in the entered network and returns only what anyone may
read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

Provider = Callable[[], Iterable[Any]]

_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    """Register (or replace, so that a second ready() is harmless) the provider `name`."""
    _providers[name] = provider


def sections() -> dict[str, list[Any]]:
    """Each registered provider's rows, by name, for the entered network."""
    return {name: list(provider()) for name, provider in _providers.items()}
