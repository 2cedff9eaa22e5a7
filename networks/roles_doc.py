"""Renders the permission table of networks.roles as Markdown for docs/roles.md.

python -m networks.roles_doc --write    # rewrites the table in docs/roles.md
"""

from __future__ import annotations

import sys
from pathlib import Path

BEGIN, END = "<!-- roles:begin -->", "<!-- roles:end -->"
DOC = Path(__file__).resolve().parent.parent / "docs" / "roles.md"


def render_roles_markdown() -> str:
    from django.utils import translation

    from networks.roles import PERMISSIONS, Action, Role

    with translation.override("en"):
        roles = list(Role)
        lines = [
            "| action | what it allows | " + " | ".join(str(role.label) for role in roles) + " |",
            "|---|---|" + "---|" * len(roles),
        ]
        for action in Action:
            allowed = PERMISSIONS[action]
            marks = " | ".join("✓" if role in allowed else "" for role in roles)
            lines.append(f"| `{action.value}` | {action.label} | {marks} |")
    return "\n".join(lines)


def table_in_doc(text: str) -> str:
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def write() -> None:
    text = DOC.read_text()
    before, rest = text.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(f"{before}{BEGIN}\n{render_roles_markdown()}\n{END}{after}")


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    if "--write" in sys.argv:
        write()
    else:
        print(render_roles_markdown())
