import pytest

from networks.models import Membership, Participation, WorkingGroup
from networks.scoping import (
    NetworkOwned,
    NetworkScopedManager,
    ScopeError,
    network_scope,
    scopes_disabled,
)


def tenant_models():
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, NetworkOwned)]


def test_every_tenant_model_is_scoped_by_default():
    models = tenant_models()
    assert Membership in models and Participation in models
    for model in models:
        assert isinstance(model._default_manager, NetworkScopedManager), model


@pytest.mark.django_db
@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m.__name__)
def test_query_on_tenant_model_without_entered_network_raises(model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


def test_queries_see_only_the_entered_network(kyrgyzstan, mongolia):
    with network_scope(kyrgyzstan.network):
        networks = set(Membership.objects.values_list("network_id", flat=True))
    assert networks == {kyrgyzstan.network.pk}


def test_saving_a_row_of_another_network_raises(kyrgyzstan, mongolia):
    with network_scope(mongolia.network):
        with pytest.raises(ScopeError):
            WorkingGroup(network=kyrgyzstan.network, name="Data").save()
    with scopes_disabled():
        assert not WorkingGroup.objects.filter(name="Data").exists()
