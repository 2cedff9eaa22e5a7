"""One colour per meaning for every status badge (issue #15): each state of each kind of
record has a meaning, each meaning its own colours, readable (WCAG AA) and never the only
sign — the badge names the state in words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from decisions.models import ActionPoint, Decision, JointStatement
from meetings.models import Meeting, Minutes
from networks.templatetags.portal import MEANINGS, badge
from reports.models import QuarterlyReport
from workplans.models import Activity, Workplan

KINDS = {
    "agenda": Meeting.AgendaStatus,
    "minutes": Minutes.Status,
    "statement": JointStatement.Status,
    "decision": Decision.Status,
    "report": QuarterlyReport.Status,
    "workplan": Workplan.Status,
    "action": ActionPoint.Status,
    "activity": Activity.Status,
}
CSS = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_state_has_a_meaning(kind):
    assert set(MEANINGS[kind]) == set(KINDS[kind].values)
    assert all(badge(state, kind) for state in KINDS[kind].values)


def test_an_unknown_state_fails_loudly():
    with pytest.raises(KeyError):
        badge("lost", "minutes")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_each_meaning_has_its_own_readable_colours():
    meanings = {meaning for states in MEANINGS.values() for meaning in states.values()}
    seen = set()
    for meaning in sorted(meanings):
        rule = re.search(rf"\.badge\.{meaning} \{{([^}}]*)\}}", CSS)
        assert rule, f"no colours for .badge.{meaning}"
        background = re.search(r"background: (#[0-9a-f]{6})", rule.group(1)).group(1)
        colour = re.search(r"[^-]color: (#[0-9a-f]{6})", rule.group(1)).group(1)
        lighter, darker = sorted((_luminance(background), _luminance(colour)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, meaning
        seen.add(background)
    assert len(seen) == len(meanings), "two meanings share a colour"


def test_the_agenda_badge_on_the_meeting_page_says_its_meaning(kyrgyzstan, login):
    from tests.meetings.conftest import schedule

    meeting = schedule(kyrgyzstan)
    page = login(kyrgyzstan.secretariat).get(f"/n/kyrgyzstan/meetings/{meeting.pk}/")
    assert '<span class="badge draft">Draft</span>' in page.content.decode()
