"""docs/roles.md shows the permission table of networks/roles.py, generated from it and kept
equal to it. (The rules the table holds are tested in test_roles.py.)"""

import subprocess
import sys

from django.conf import settings

from networks import roles, roles_doc
from networks.roles import PERMISSIONS, Action, Role
from networks.roles_doc import BEGIN, END, render_roles_markdown, table_in_doc

REGENERATE = "python -m networks.roles_doc --write"


def rows(table: str) -> dict[str, list[str]]:
    """action value → its cells (one per role, '✓' or '')."""
    result = {}
    for line in table.splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        result[cells[0].strip("`")] = cells[2:]
    return result


def test_docs_roles_md_shows_the_table_the_code_uses():
    assert table_in_doc(roles_doc.DOC.read_text()) == render_roles_markdown(), (
        f"docs/roles.md is out of date with networks/roles.py: run `{REGENERATE}`."
    )


def test_the_table_has_one_row_per_action_and_one_column_per_role():
    table = render_roles_markdown()
    header = [cell.strip() for cell in table.splitlines()[0].strip("|").split("|")]
    assert header[2:] == [str(role.label) for role in Role]
    body = rows(table)
    assert list(body) == [action.value for action in Action]
    for action in Action:
        marked = {role for role, cell in zip(Role, body[action.value], strict=True) if cell}
        assert marked == set(PERMISSIONS[action]), action


def test_granting_a_role_an_action_changes_the_table(monkeypatch):
    before = render_roles_markdown()
    widened = {**PERMISSIONS, Action.MEMBERS_MANAGE: frozenset({Role.SECRETARIAT, Role.CO_CHAIR})}
    monkeypatch.setattr(roles, "PERMISSIONS", widened)
    after = render_roles_markdown()
    assert after != before
    assert rows(after)["members.manage"][:2] == ["✓", "✓"]


def test_write_replaces_the_table_and_keeps_the_prose(tmp_path, monkeypatch):
    doc = tmp_path / "roles.md"
    doc.write_text(f"# Roles\nprose before\n{BEGIN}\n| stale |\n{END}\nprose after\n")
    monkeypatch.setattr(roles_doc, "DOC", doc)
    roles_doc.write()
    text = doc.read_text()
    assert text.startswith("# Roles\nprose before\n")
    assert text.endswith(f"{END}\nprose after\n")
    assert table_in_doc(text) == render_roles_markdown()


def test_the_regeneration_command_prints_the_table():
    result = subprocess.run(
        [sys.executable, "-m", "networks.roles_doc"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == render_roles_markdown()
