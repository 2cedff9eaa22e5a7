"""The permission table, read as the product's rules (docs/roles.md: test_roles_doc.py)."""

import pytest

from networks.roles import PERMISSIONS, Action, Role, allowed_actions, can


def test_every_action_is_allowed_to_someone():
    assert set(PERMISSIONS) == set(Action)
    assert all(PERMISSIONS[action] for action in Action)


def test_only_the_secretariat_manages_members():
    assert PERMISSIONS[Action.MEMBERS_MANAGE] == {Role.SECRETARIAT}


@pytest.mark.parametrize("role", [Role.EXTERNAL_PARTNER, Role.REGIONAL_VIEWER])
def test_partners_and_regional_viewers_never_see_the_member_list(role):
    assert not can([role], Action.MEMBERS_VIEW)
    assert not can([role], Action.MEMBERS_EXPORT)


def test_everyone_with_a_role_sees_the_network_home():
    assert all(can([role], Action.NETWORK_VIEW) for role in Role)


def test_roles_add_up():
    assert allowed_actions([Role.MEMBER, Role.SECRETARIAT]) == allowed_actions(
        [Role.SECRETARIAT]
    ) | allowed_actions([Role.MEMBER])
    assert not can([], Action.NETWORK_VIEW)
