"""Helpers for the API tests: personal access tokens, the objects routes need, JSON posts."""

from __future__ import annotations

import datetime as dt

from accounts import services as account_services
from accounts.models import AccessToken
from networks.models import Membership, WorkingGroup, WorkingGroupMember
from networks.scoping import network_scope

KG = "/api/v1/networks/kyrgyzstan"


def bearer(user, *, scope=AccessToken.Scope.READ, expires_on=None, revoke=False) -> dict:
    """Request headers carrying a new personal access token of `user`."""
    token, secret = account_services.access_token_create(
        user=user, name="script", scope=scope, expires_on=expires_on
    )
    if revoke:
        account_services.access_token_revoke(token=token)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def days_ago(days: int) -> dt.date:
    return dt.date.today() - dt.timedelta(days=days)


def membership(net, key: str = "member") -> Membership:
    with network_scope(net.network):
        return Membership.objects.select_related("user").get(user=net.people[key])


def working_group(net, name: str, *, members=()) -> WorkingGroup:
    with network_scope(net.network):
        group = WorkingGroup.objects.create(network=net.network, name=name)
        for user in members:
            WorkingGroupMember.objects.create(network=net.network, working_group=group, user=user)
    return group


def post_json(client, url: str, payload=None, **headers):
    return client.post(
        url, payload if payload is not None else {}, content_type="application/json", **headers
    )
