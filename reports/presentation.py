"""A report's figures as tables, in the active language: the one layout that the page, the
PDF, the spreadsheet and the CSV are all drawn from, so that they cannot disagree. Each cell
carries a stable key (e.g. ``action_points.UNDP.overdue``) and its value from the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from meetings.models import Meeting
from portal import clock
from reference.models import GCMObjective
from workplans.models import Activity

INT, MONEY, TEXT, BOOL, DATE, MOMENT = "int", "money", "text", "bool", "date", "moment"


@dataclass(frozen=True)
class Cell:
    key: str
    value: object  # int, Decimal, str, bool or None
    kind: str = INT

    @property
    def text(self) -> str:
        """The value as the CSV and the comparison tests spell it (a moment: ISO 8601 with
        the network's offset, "2026-07-14T10:00:00+06:00")."""
        if self.kind == BOOL:
            return {True: _("yes"), False: _("no"), None: "—"}[self.value]
        if self.value is None:
            return ""
        return str(self.value)

    @property
    def shown(self) -> str:
        """The value as the page and the PDF show it: a moment in the network's time with its
        label, "2026-07-14 10:00 (Bishkek time, UTC+6)"; anything else as `text`."""
        if self.kind == MOMENT and self.value:
            return clock.when(str(self.value), "short")
        return self.text


def _when(key: str, item: dict) -> Cell:
    """When a meeting was (or is planned): its time with the offset where figures computed
    since the clock have one, the day alone in versions frozen before."""
    if item.get("starts_at"):
        return Cell(key, item["starts_at"], MOMENT)
    return Cell(key, item["date"], DATE)


@dataclass
class Row:
    item: str
    cells: list[Cell]


@dataclass
class Table:
    key: str
    title: str
    item_header: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    empty: str = ""


def _kind_label(kind: str) -> str:
    return str(dict(Meeting.Kind.choices).get(kind, kind))


def objective_labels() -> dict[int, str]:
    return {objective.number: str(objective) for objective in GCMObjective.objects.all()}


def tables(figures: dict, objectives: dict[int, str] | None = None) -> list[Table]:
    """The report's tables, first the figures at a glance. `objectives` (number → label)
    saves the query when the caller has them."""
    objectives = objectives if objectives is not None else objective_labels()
    meetings, decisions = figures["meetings"], figures["decisions"]
    actions, plan = figures["action_points"], figures["workplan"]
    budget = plan["budget"]

    def cell(key, value, kind=INT):
        return Cell(key, Decimal(value) if kind == MONEY else value, kind)

    glance = Table(
        "summary",
        _("At a glance"),
        _("Figure"),
        [_("Value")],
        [
            Row(_("Meetings held"), [cell("meetings.held", meetings["held"])]),
            Row(
                _("Network meetings with attendance recorded"),
                [cell("meetings.with_attendance", meetings["with_attendance"])],
            ),
            Row(
                _("Network meetings with every member organisation represented"),
                [cell("meetings.all_represented", meetings["all_represented"])],
            ),
            Row(
                _("Member organisations"),
                [cell("meetings.member_organisations", meetings["member_organisations"])],
            ),
            Row(_("Decisions adopted"), [cell("decisions.adopted", decisions["adopted"])]),
            Row(
                _("Written procedures run"), [cell("decisions.procedures", decisions["procedures"])]
            ),
            Row(_("Consultations"), [cell("decisions.consultations", decisions["consultations"])]),
            Row(
                _("Silence procedures"),
                [cell("decisions.silence_procedures", decisions["silence_procedures"])],
            ),
            Row(_("Action points opened"), [cell("action_points.opened", actions["opened"])]),
            Row(_("Action points done"), [cell("action_points.done", actions["done"])]),
            Row(_("Action points overdue"), [cell("action_points.overdue", actions["overdue"])]),
            Row(_("Workplan activities"), [cell("workplan.activities", plan["activities"])]),
            Row(_("Average progress (%)"), [cell("workplan.progress", plan["progress"])]),
            Row(
                _("Budget required (USD)"),
                [cell("workplan.budget.required", budget["required"], MONEY)],
            ),
            Row(
                _("Budget available (USD)"),
                [cell("workplan.budget.available", budget["available"], MONEY)],
            ),
            Row(
                _("To be mobilised (USD)"),
                [cell("workplan.budget.to_be_mobilised", budget["to_be_mobilised"], MONEY)],
            ),
            Row(_("Spent (USD)"), [cell("workplan.budget.spent", budget["spent"], MONEY)]),
            Row(
                _("Documents circulated"),
                [cell("documents.circulated", figures["documents"]["circulated"])],
            ),
            Row(
                _("Meetings planned next quarter"),
                [
                    cell(
                        "next_quarter.meetings_planned",
                        figures["next_quarter"]["meetings_planned"],
                    )
                ],
            ),
        ],
    )
    held = Table(
        "meetings",
        _("Meetings held"),
        _("Meeting"),
        [_("When"), _("Type"), _("Organisations present"), _("Every member represented")],
        [
            Row(
                m["title"],
                [
                    _when(f"meetings.{n}.date", m),
                    cell(f"meetings.{n}.kind", _kind_label(m["kind"]), TEXT),
                    cell(f"meetings.{n}.organisations_present", m["organisations_present"]),
                    cell(f"meetings.{n}.represented", m["represented"], BOOL),
                ],
            )
            for n, m in enumerate(meetings["items"], start=1)
        ],
        _("No meeting was held in the quarter."),
    )
    attendance = Table(
        "attendance",
        _("Attendance per organisation"),
        _("Organisation"),
        [_("Member"), _("Meetings attended")],
        [
            Row(
                a["organisation"],
                [
                    cell(f"attendance.{a['organisation']}.member", a["member"], BOOL),
                    cell(f"attendance.{a['organisation']}.attended", a["meetings_attended"]),
                ],
            )
            for a in figures["attendance"]
        ],
        _("No organisation takes part as a member."),
    )
    adopted = Table(
        "decisions",
        _("Decisions adopted"),
        _("Decision"),
        [_("Number"), _("Adopted on")],
        [
            Row(
                d["title"],
                [
                    cell(f"decisions.{n}.number", d["number"], TEXT),
                    cell(f"decisions.{n}.date", d["date"], DATE),
                ],
            )
            for n, d in enumerate(decisions["items"], start=1)
        ],
        _("No decision was adopted in the quarter."),
    )
    owners = Table(
        "action_points",
        _("Action points by owner organisation"),
        _("Organisation"),
        [_("Opened"), _("Done"), _("Overdue")],
        [
            Row(
                a["organisation"],
                [
                    cell(f"action_points.{a['organisation']}.{measure}", a[measure])
                    for measure in ("opened", "done", "overdue")
                ],
            )
            for a in actions["by_organisation"]
        ],
        _("No action point was opened, done or overdue in the quarter."),
    )
    statuses = dict(Activity.Status.choices)
    by_status = Table(
        "workplan_status",
        _("Workplan activities by status"),
        _("Status"),
        [_("Activities")],
        [
            Row(
                str(statuses.get(s["status"], s["status"])),
                [cell(f"workplan.status.{s['status']}", s["activities"])],
            )
            for s in plan["by_status"]
        ],
    )
    by_objective = Table(
        "workplan_gcm",
        _("Workplan activities by GCM objective"),
        _("GCM objective"),
        [
            _("Activities"),
            _("Completed"),
            _("Required (USD)"),
            _("Available (USD)"),
            _("Spent (USD)"),
        ],
        [
            Row(
                objectives.get(o["number"], str(o["number"])),
                [
                    cell(f"workplan.gcm.{o['number']}.activities", o["activities"]),
                    cell(f"workplan.gcm.{o['number']}.completed", o["completed"]),
                    cell(f"workplan.gcm.{o['number']}.required", o["required"], MONEY),
                    cell(f"workplan.gcm.{o['number']}.available", o["available"], MONEY),
                    cell(f"workplan.gcm.{o['number']}.spent", o["spent"], MONEY),
                ],
            )
            for o in plan["by_objective"]
        ],
        _("No activity is tagged with a GCM objective."),
    )
    planned = Table(
        "next_quarter",
        pgettext("report", "Meetings planned for %(quarter)s")
        % {"quarter": figures["next_quarter"]["label"]},
        _("Meeting"),
        [_("When"), _("Type")],
        [
            Row(
                m["title"],
                [
                    _when(f"next_quarter.{n}.date", m),
                    cell(f"next_quarter.{n}.kind", _kind_label(m["kind"]), TEXT),
                ],
            )
            for n, m in enumerate(figures["next_quarter"]["items"], start=1)
        ],
        _("No meeting is scheduled yet."),
    )
    return [glance, held, attendance, adopted, owners, by_status, by_objective, planned]


def flat_rows(report_tables: list[Table]) -> list[tuple[str, str, str, Cell]]:
    """(section, item, measure, cell) for every cell: the rows of the CSV and spreadsheet."""
    return [
        (table.title, row.item, measure, cell)
        for table in report_tables
        for row in table.rows
        for measure, cell in zip(table.columns, row.cells, strict=True)
    ]


# Charts -----------------------------------------------------------------------------------

BAR_COLOURS = ["#1f5f99", "#3f8f4f", "#c77c11", "#8a1c1c", "#6b6f76"]


def _escape(value) -> str:
    from django.utils.html import escape

    return escape(str(value))


def bar_chart(title: str, bars: list[tuple[str, float, str]], *, unit: str = "") -> str:
    """A horizontal bar chart as inline SVG (for pages and WeasyPrint alike): one bar per
    (label, value, shown value), labelled, with a title for screen readers."""
    if not bars:
        return ""
    top = max((value for _label, value, _shown in bars), default=0) or 1
    row, label_width, bar_width = 22, 190, 260
    height = row * len(bars) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {label_width + bar_width + 110} {height}" '
        f'width="100%" aria-label="{_escape(title)}"><title>{_escape(title)}</title>'
    ]
    for n, (label, value, shown) in enumerate(bars):
        y = 4 + n * row
        width = round(bar_width * float(value) / float(top), 1)
        colour = BAR_COLOURS[n % len(BAR_COLOURS)]
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" '
            f'font-size="11" fill="#1b1f24">{_escape(label[:34])}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="14" '
            f'fill="{colour}"></rect>'
            f'<text x="{label_width + width + 4}" y="{y + 14}" font-size="11" '
            f'fill="#1b1f24">{_escape(shown)}{_escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def charts(figures: dict) -> list[str]:
    from django.utils.formats import number_format
    from django.utils.safestring import mark_safe

    statuses = dict(Activity.Status.choices)
    plan = figures["workplan"]
    by_status = [
        (str(statuses.get(s["status"], s["status"])), s["activities"], str(s["activities"]))
        for s in plan["by_status"]
    ]
    budget = plan["budget"]
    money = [
        (str(label), float(Decimal(budget[key])), number_format(Decimal(budget[key]), 0, True))
        for key, label in (
            ("required", _("Required")),
            ("available", _("Available")),
            ("spent", _("Spent")),
            ("to_be_mobilised", _("To be mobilised")),
        )
    ]
    result = []
    if plan["activities"]:
        result.append(bar_chart(_("Workplan activities by status"), by_status))
        result.append(bar_chart(_("Budget (USD)"), money))
    return [mark_safe(svg) for svg in result]  # noqa: S308 — built from escaped parts


def _wrapped(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(str(text), width, break_long_words=False) or [""]


def heatmap(coverage, *, title: str, noted: frozenset[int] = frozenset()) -> str:
    """The GCM coverage of several networks as an SVG grid: a row per objective, a column per
    network, the shade by the number of activities (the number is written in the cell).
    Labels are written whole: an objective's on as many lines as it needs, a network's at an
    angle above its column, with "*" when the network has a designation footnote (`noted`:
    their ids; the page prints the footnote)."""
    from django.utils.safestring import mark_safe

    networks = coverage.networks
    top = max((cell.activities for _objective, cells in coverage.rows for cell in cells), default=0)
    cell_w, line_h, left, wrap_at = 44, 13, 230, 36
    names = [network.country + ("*" if network.pk in noted else "") for network in networks]
    # Rotated by 60°, a name of n characters rises about 5 px per character.
    head = max(90, 16 + int(5.2 * max((len(name) for name in names), default=0)))
    labels = [_wrapped(objective, wrap_at) for objective, _cells in coverage.rows]
    heights = [max(20, 7 + line_h * len(lines)) for lines in labels]
    width = left + cell_w * len(networks) + 4
    height = head + sum(heights) + 4
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart heatmap" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{_escape(title)}">'
        f"<title>{_escape(title)}</title>"
    ]
    for n, name in enumerate(names):
        x = left + n * cell_w + cell_w / 2
        parts.append(
            f'<text transform="translate({x},{head - 6}) rotate(-60)" font-size="10" '
            f'fill="#1b1f24">{_escape(name)}</text>'
        )
    y = head
    for r, (objective, cells) in enumerate(coverage.rows):
        cell_h, lines = heights[r], labels[r]
        first = y + (cell_h - line_h * len(lines)) / 2 + 10
        spans = "".join(
            f'<tspan x="{left - 6}" y="{first + k * line_h:g}">{_escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end" font-size="10" fill="#1b1f24">{spans}</text>')
        for n, cell in enumerate(cells):
            share = cell.activities / top if top else 0
            shade = f"rgba(31,95,153,{0.08 + 0.85 * share:.2f})" if cell.activities else "#f4f5f7"
            ink = "#ffffff" if share > 0.55 else "#1b1f24"
            x = left + n * cell_w
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{shade}"><title>{_escape(networks[n].country)} — '
                f"{_escape(objective)}: {cell.activities}</title></rect>"
            )
            if cell.activities:
                parts.append(
                    f'<text x="{x + cell_w / 2 - 1}" y="{y + cell_h / 2 + 3:g}" '
                    f'text-anchor="middle" font-size="10" fill="{ink}">{cell.activities}</text>'
                )
        y += cell_h
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — built from escaped parts
