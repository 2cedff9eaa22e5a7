"""A demo network's history: what years of use leave behind, built through the services.

Every record is made by the service a person (or the beat) would have used — meetings and
their agendas, RSVPs and minutes signed by the co-chairs, decisions numbered in the register,
action points and their progress notes, written procedures and positions, the workplan and
its quarterly updates, the quarterly reports drafted by the beat and signed by the co-chairs,
documents at every confidentiality level and their mailings — so hashes, approval records,
the register and the audit chain are those the portal itself makes.

Each step runs at the moment it would have happened, on the demo's clock (demo.clock), in
the order of time: a report's figures are those of the data as it stood when the co-chairs
signed it. Everything is relative to the moment the loader runs ("now"): the last two years
of meetings, the current year's quarters, a consultation open now.

Nothing is mailed: the loader keeps mailings from being handed to the queue, and once the
history is built `settle_deliveries` gives each delivery the state it would have reached
(sent and mostly opened, a few failed, a few waiting for a daily digest, the latest ones
still queued or being sent).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.template import Context, Template

import networks.pdf
from circulation import services as circulation_services
from circulation.models import Circulation, Delivery, MailPreference
from common import quarters
from decisions import services as decision_services
from decisions.models import ActionPoint, Decision, Procedure
from demo.clock import clock_at
from documents import services as document_services
from documents.models import Document
from documents.selectors import openers
from meetings import services as meeting_services
from meetings.models import Meeting, Minutes, MinutesItem, Participant
from networks.models import Membership, Network, Organisation
from networks.roles import Role
from reference.models import GCMObjective
from reports import services as report_services
from reports.models import QuarterlyReport
from workplans import services as plan_services
from workplans.models import Activity, Indicator, Workplan

if TYPE_CHECKING:
    from accounts.models import User

YEARS_OF_MEETINGS = 2
# The last regular meeting was two weeks ago: its minutes are out for comment.
LAST_MEETING_DAYS_AGO = 14
LOGINS = ("secretariat", "cochair1", "cochair2", "member", "partner", "rco")
REPORTED_QUARTERS = 4  # the last four ended quarters have a report; the latest is a draft

AGENDA = [
    ("Welcome and adoption of the agenda", "RCO", 10),
    ("Follow-up on the action points of the last meeting", "IOM", 20),
    ("Briefing: {topic}", "IOM", 30),
    ("Joint workplan: progress and next steps", "UNDP", 30),
    ("Any other business", "RCO", 10),
]
TOPICS = [
    "labour migration trends and remittances",
    "return and reintegration of migrants",
    "migration data and the national statistics",
    "protection of migrant children",
    "climate change and internal migration",
    "fair recruitment and labour inspection",
    "access to health services for migrants",
    "counter-trafficking referral mechanisms",
    "diaspora engagement",
    "the Global Compact's regional review",
    "consular protection of nationals abroad",
    "skills recognition for returning migrants",
]
ACTIONS = [
    ("Share the briefing's slides and data sources with all members", "IOM", 30),
    ("Circulate the draft progress table of the joint workplan", "UNDP", 45),
    ("Propose a joint activity on {topic} for the next workplan", "UNICEF", 120),
]

# (outcome, output, code, title, lead, GCM objectives, required, available, first quarter)
ACTIVITIES = [
    ("1", "1.1", "1.1.1", "Labour migration data review with the statistics office", "IOM",
     [1], "30000", "30000", 1),
    ("1", "1.1", "1.1.2", "Migration and sustainable development dashboard", "UNDP",
     [1, 19], "45000", "20000", 2),
    ("1", "1.2", "1.2.1", "Training of labour inspectors on fair recruitment", "IOM",
     [6], "25000", "15000", 2),
    ("2", "2.1", "2.1.1", "Child-sensitive border procedures", "UNICEF",
     [12, 13], "40000", "10000", 3),
    ("2", "2.1", "2.1.2", "Access to asylum procedures at the border", "UNHCR",
     [11, 12], "20000", "20000", 1),
    ("2", "2.2", "2.2.1", "Reintegration support for returning migrants", "IOM",
     [21], "60000", "35000", 3),
]  # fmt: skip
OUTCOMES = {
    "1": ("Migration governance draws on evidence", {"1.1": "Data", "1.2": "Fair recruitment"}),
    "2": (
        "Migrants' rights are protected at every stage",
        {"2.1": "Borders", "2.2": "Return and reintegration"},
    ),
}


def _at(day: date, hour: int, zone: Any) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=zone)


def _weekday(day: date) -> date:
    """The day, or the Friday before it when it falls on a weekend."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass
class History:
    network: Network
    organisations: dict[str, Organisation]
    founded: datetime
    now: datetime
    rng: random.Random = field(init=False)
    _queue: list[tuple[datetime, int, Callable[[], None]]] = field(default_factory=list)
    _seq: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.network.slug)
        self.zone = self.network.zone
        self.today = self.now.astimezone(self.zone).date()
        memberships = list(
            Membership.objects.active(self.now)
            .select_related("user", "organisation")
            .order_by("started_at", "pk")
        )
        self.logins: dict[str, User] = {}
        self.focal: dict[int, User] = {}  # organisation id → its first member focal point
        self.people: list[tuple[User, Organisation, str]] = []
        for m in memberships:
            local = m.user.email.split("@")[0]
            if local in LOGINS:
                self.logins.setdefault(local, m.user)
            self.people.append((m.user, m.organisation, m.role))
            if m.role in (Role.MEMBER, Role.SECRETARIAT, Role.CO_CHAIR):
                self.focal.setdefault(m.organisation_id, m.user)
        self.secretariat = self.logins["secretariat"]
        self.cochair1, self.cochair2 = self.logins["cochair1"], self.logins["cochair2"]
        self.member, self.partner = self.logins["member"], self.logins["partner"]
        logins = set(self.logins.values())
        # Someone without a demo login who reads optional mail in a daily digest, and one
        # whose mailbox refuses mail (their recent deliveries failed).
        others = [u for u, _o, role in self.people if role == Role.MEMBER and u not in logins]
        self.digest_reader = others[0] if others else None
        self.bouncing = others[-1] if len(others) > 1 else None

    # The timeline ------------------------------------------------------------------------

    def at(self, moment: datetime, step: Callable[[], None]) -> None:
        """Run `step` at `moment` (which must have passed), after every earlier step."""
        if moment >= self.now:
            raise ValueError(f"{self.network.slug}: a history step in the future ({moment})")
        heapq.heappush(self._queue, (moment, self._seq, step))
        self._seq += 1

    def run(self) -> int:
        """Every step in the order of time; returns how many ran."""
        steps = 0
        while self._queue:
            moment, _seq, step = heapq.heappop(self._queue)
            with clock_at(moment):
                step()
            steps += 1
        return steps

    def between(self, start: datetime, offset: timedelta, share: float) -> datetime:
        """`offset` after `start`, or — when that has not come yet — `share` of the way from
        `start` to now (a quarter that ended yesterday still gets its steps, in order)."""
        return min(start + offset, start + (self.now - start) * share)

    def org(self, acronym: str) -> Organisation:
        return self.organisations.get(acronym) or self.organisations["IOM"]

    def speaker(self, organisation: Organisation) -> User:
        return self.focal.get(organisation.pk) or self.secretariat

    # The whole history -------------------------------------------------------------------

    def build(self) -> int:
        """Plan every step, run them in the order of time, settle the mail; returns the
        number of steps."""
        self.plan_documents()
        self.plan_meetings()
        self.plan_procedures()
        self.plan_workplan()
        self.plan_reports()
        if self.digest_reader is not None:
            reader = self.digest_reader
            self.at(
                self.now - timedelta(days=3),
                lambda: circulation_services.mail_preference_set(
                    user=reader, optional_mail=MailPreference.Frequency.DAILY
                ),
            )
        steps = self.run()
        self.settle_deliveries()
        return steps

    # Meetings ----------------------------------------------------------------------------

    def plan_meetings(self) -> None:
        every = 61 if self.network.meeting_cadence == Network.Cadence.BIMONTHLY else 91
        count = YEARS_OF_MEETINGS * 365 // every
        last = self.today - timedelta(days=LAST_MEETING_DAYS_AGO)
        for k in reversed(range(count)):
            start = _at(_weekday(last - timedelta(days=k * every)), 10, self.zone)
            if start - timedelta(days=40) > self.founded:
                self.past_meeting(start, number=count - k, ago=k)
        self.annual_meeting(_at(_weekday(self.today + timedelta(days=12)), 9, self.zone))
        self.next_meeting(_at(_weekday(self.today + timedelta(days=35)), 10, self.zone))

    def _schedule(self, start: datetime, title: str, kind: str, topic: str) -> Meeting:
        meeting = meeting_services.meeting_schedule(
            network=self.network,
            by=self.secretariat,
            kind=kind,
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            location=f"UN House, {self.network.country}",
        )
        for item_title, acronym, minutes in AGENDA:
            meeting_services.agenda_item_save(
                meeting=meeting,
                by=self.secretariat,
                title=item_title.format(topic=topic),
                presenter_organisation=self.org(acronym),
                duration_minutes=minutes,
            )
        return meeting_services.agenda_submit(meeting=meeting, by=self.secretariat)

    def past_meeting(self, start: datetime, *, number: int, ago: int) -> None:
        """A regular meeting held: agenda approved and circulated, RSVPs, minutes drafted,
        signed by both co-chairs and circulated (the latest: out for comment), its
        decisions in the register and its action points followed up."""
        topic = TOPICS[(number + len(self.network.slug)) % len(TOPICS)]
        local = start.astimezone(self.zone)
        title = f"Regular meeting, {local:%B %Y}"
        state: dict[str, Any] = {}
        latest = ago == 0

        def schedule() -> None:
            state["meeting"] = self._schedule(start, title, Meeting.Kind.REGULAR, topic)

        def approve() -> None:
            state["meeting"] = meeting_services.agenda_approve(
                meeting=state["meeting"], by=self.cochair1
            )

        def circulate() -> None:
            meeting_services.agenda_circulate(meeting=state["meeting"], by=self.secretariat)

        def answer() -> None:
            meeting = state["meeting"]
            # In about half the meetings one focal point sends apologies.
            absent = None
            if self.rng.random() < 0.5:
                candidates = list(
                    Participant.objects.filter(meeting=meeting, user__in=self._non_logins())
                )
                absent = self.rng.choice(candidates).user_id if candidates else None
            for participant in Participant.objects.filter(meeting=meeting).select_related("user"):
                answer = (
                    Participant.Answer.DECLINED
                    if participant.user_id == absent
                    else Participant.Answer.ACCEPTED
                )
                meeting_services.rsvp(meeting=meeting, user=participant.user, answer=answer)

        def draft_minutes() -> None:
            meeting = state["meeting"]
            minutes = meeting_services.minutes_start(meeting=meeting, by=self.secretariat)
            items = list(MinutesItem.objects.filter(minutes=minutes).order_by("position"))
            for position, item in enumerate(items, start=1):
                summary, decisions, points = self._minutes_text(position, topic, start, number)
                meeting_services.minutes_item_save(
                    item=item,
                    by=self.secretariat,
                    version=None,
                    summary=summary,
                    decisions=decisions,
                    action_points=points,
                )
            state["minutes"] = minutes

        def submit() -> None:
            deadline = (
                _at(self.today + timedelta(days=5), 18, self.zone)
                if latest
                else start + timedelta(days=13)
            )
            meeting_services.minutes_submit(
                minutes=Minutes.objects.get(pk=state["minutes"].pk),
                by=self.secretariat,
                comment_deadline=deadline,
            )

        def comment() -> None:
            others = [u for u in self._non_logins() if u != self.bouncing]
            if others:
                meeting_services.minutes_comment(
                    minutes=Minutes.objects.get(pk=state["minutes"].pk),
                    by=self.rng.choice(others),
                    text="Under the briefing, please add that the figures are provisional "
                    "until the statistics office publishes them.",
                )

        def sign(co_chair: User) -> Callable[[], None]:
            def step() -> None:
                minutes = Minutes.objects.get(pk=state["minutes"].pk)
                pending = minutes.versions.filter(approved_at__isnull=True).latest("number")
                meeting_services.minutes_approve(
                    minutes=minutes, by=co_chair, content_sha256=pending.content_sha256
                )
                if co_chair == self.cochair2:
                    self._follow_up(minutes, keep_open=ago == 1)

            return step

        self.at(start - timedelta(days=35), schedule)
        self.at(start - timedelta(days=28), approve)
        self.at(start - timedelta(days=21), circulate)
        self.at(start - timedelta(days=14), answer)
        self.at(start + timedelta(days=2), draft_minutes)
        self.at(start + timedelta(days=6), submit)
        if latest or number % 3 == 0:
            self.at(start + timedelta(days=8), comment)
        if not latest:
            self.at(start + timedelta(days=14), sign(self.cochair1))
            self.at(start + timedelta(days=15, hours=2), sign(self.cochair2))

    def _non_logins(self) -> list[User]:
        logins = set(self.logins.values())
        return [u for u, _o, role in self.people if role == Role.MEMBER and u not in logins]

    def _minutes_text(
        self, position: int, topic: str, start: datetime, number: int
    ) -> tuple[str, str, list[dict[str, Any]]]:
        day = start.astimezone(self.zone).date()
        if position == 1:
            return "The co-chairs opened the meeting; the agenda was adopted.", "", []
        if position == 2:
            return "The secretariat reported on the action points of the last meeting.", "", []
        if position == 3:
            text, acronym, due = ACTIONS[0]
            return (
                f"IOM briefed the members on {topic}; members shared their agencies' work.",
                f"The network prepares a joint briefing note on {topic}."
                if number % 2
                else "",
                [{"text": text, "owner_organisation": self.org(acronym),
                  "due_date": day + timedelta(days=due)}],
            )  # fmt: skip
        if position == 4:
            points = []
            for text, acronym, due in ACTIONS[1:]:
                points.append(
                    {
                        "text": text.format(topic=topic),
                        "owner_organisation": self.org(acronym),
                        "due_date": day + timedelta(days=due),
                    }
                )
            return (
                "UNDP presented the progress of the joint workplan by outcome; the lead "
                "agencies reported on their activities.",
                f"The network takes note of the workplan progress as of {day:%B %Y}.",
                points,
            )
        return "No other business was raised.", "", []

    def _follow_up(self, minutes: Minutes, *, keep_open: bool) -> None:
        """The owners' progress notes on the minutes' action points: done before their due
        date, except (`keep_open`, the meeting before last) where they are still open —
        overdue once their date has passed."""
        for point in ActionPoint.objects.filter(minutes_item__minutes=minutes).select_related(
            "owner_organisation"
        ):
            due = _at(point.due_date, 12, self.zone)
            owner = self.speaker(point.owner_organisation)
            if keep_open:
                if point.owner_organisation.acronym == "UNDP":
                    moment = self.between(minutes.updated_at, timedelta(days=10), 0.5)
                    self.at(moment, self._note(point, owner, ActionPoint.Status.IN_PROGRESS, 40))
                continue
            moment = due - timedelta(days=3)
            if moment < self.now and self.rng.random() < 0.9:
                self.at(moment, self._note(point, owner, ActionPoint.Status.DONE, 100))

    def _note(self, point: ActionPoint, by: User, status: str, progress: int) -> Callable[[], None]:
        note = "Done and shared with the members." if status == "done" else "Draft in progress."
        return lambda: decision_services.action_point_update(
            action_point=point, by=by, status=status, progress=progress, note=note
        )

    def annual_meeting(self, start: datetime) -> None:
        """The annual network meeting in twelve days, with the national partners: its agenda
        has gone out and the invitations wait for their answers."""
        state: dict[str, Any] = {}
        year = start.astimezone(self.zone).year

        def schedule() -> None:
            state["meeting"] = self._schedule(
                start,
                f"Annual Network Meeting {year}",
                Meeting.Kind.ANNUAL,
                "the year's results and the next workplan",
            )

        def approve() -> None:
            meeting_services.agenda_approve(meeting=state["meeting"], by=self.cochair2)
            meeting_services.participant_invite(
                meeting=state["meeting"], by=self.secretariat, user=self.partner
            )

        def circulate() -> None:
            meeting = Meeting.objects.get(pk=state["meeting"].pk)
            meeting_services.agenda_circulate(meeting=meeting, by=self.secretariat)
            # Those without a demo login have answered; the logins' invitations wait.
            for user in self._non_logins()[:-1]:
                meeting_services.rsvp(meeting=meeting, user=user, answer="accepted")
            if self._non_logins():
                meeting_services.rsvp(
                    meeting=meeting, user=self._non_logins()[-1], answer="declined"
                )

        self.at(self.now - timedelta(days=20), schedule)
        self.at(self.now - timedelta(days=9), approve)
        self.at(self.now - timedelta(days=7), circulate)

    def next_meeting(self, start: datetime) -> None:
        """The next regular meeting: its agenda waits for a co-chair's approval."""
        title = f"Regular meeting, {start.astimezone(self.zone):%B %Y}"
        topic = TOPICS[len(self.network.name) % len(TOPICS)]
        self.at(
            self.now - timedelta(days=2),
            lambda: self._schedule(start, title, Meeting.Kind.REGULAR, topic),
        )

    # Written procedures ------------------------------------------------------------------

    def plan_procedures(self) -> None:
        net = self.network
        state: dict[str, Any] = {}
        opened = self.now - timedelta(days=300)
        deadline = opened + timedelta(days=10)

        def past_open() -> None:
            decision = decision_services.decision_draft(
                network=net,
                by=self.secretariat,
                title="Joint UN messages for the national consultation on migration policy",
                text="The network adopts the joint key messages annexed, for the UN's "
                "contribution to the national consultation.",
                gcm_objectives=GCMObjective.objects.filter(number__in=[1, 23]),
            )
            state["past"] = decision_services.procedure_open(
                decision=decision, by=self.secretariat, kind="consultation", deadline=deadline
            )

        def past_positions() -> None:
            procedure = state["past"]
            consulted = decision_services.consulted_organisations(procedure.decision)
            for n, organisation in enumerate(consulted):
                if organisation.pk not in self.focal:
                    continue
                stance = "abstain" if n == 2 else "concur"
                decision_services.position_record(
                    procedure=procedure,
                    by=self.speaker(organisation),
                    organisation=organisation,
                    stance=stance,
                )

        def past_close() -> None:
            decision_services.procedure_close(procedure=state["past"])

        def past_outcome() -> None:
            decision_services.outcome_record(
                procedure=Procedure.objects.get(pk=state["past"].pk),
                by=self.cochair2,
                outcome="adopted",
                statement="Adopted by consensus; one organisation abstained.",
            )

        self.at(opened, past_open)
        self.at(opened + timedelta(days=4), past_positions)
        self.at(deadline + timedelta(minutes=1), past_close)
        self.at(deadline + timedelta(days=1), past_outcome)

        # Open now: a consultation that concerns the state (the national authority is
        # consulted too), and a silence procedure.
        def consultation() -> None:
            decision = decision_services.decision_draft(
                network=net,
                by=self.secretariat,
                title="Network support to the national labour migration action plan",
                text="The network offers the Government joint technical support for the "
                "monitoring framework of the national labour migration action plan.",
                concerns_state=True,
                gcm_objectives=GCMObjective.objects.filter(number__in=[5, 6]),
            )
            state["open"] = decision_services.procedure_open(
                decision=decision,
                by=self.secretariat,
                kind="consultation",
                deadline=_at(self.today + timedelta(days=7), 18, self.zone),
            )

        def early_positions() -> None:
            for acronym in ("IOM", "UNICEF", "UNHCR"):
                organisation = self.org(acronym)
                decision_services.position_record(
                    procedure=state["open"],
                    by=self.speaker(organisation),
                    organisation=organisation,
                    stance="concur",
                )

        def silence() -> None:
            decision = decision_services.decision_draft(
                network=net,
                by=self.cochair1,
                title="Joint message of the network for International Migrants Day",
                text="The network issues the joint message annexed on International "
                "Migrants Day, 18 December.",
                gcm_objectives=GCMObjective.objects.filter(number__in=[17]),
            )
            decision_services.procedure_open(
                decision=decision,
                by=self.secretariat,
                kind="silence",
                deadline=_at(self.today + timedelta(days=4), 18, self.zone),
            )

        self.at(self.now - timedelta(days=5), consultation)
        self.at(self.now - timedelta(days=3), early_positions)
        self.at(self.now - timedelta(days=2, hours=3), silence)

    # The workplan and the quarterly reports -----------------------------------------------

    def plan_workplan(self) -> None:
        """This year's and next year's joint workplan: drafted and endorsed in December, active
        since January, each lead agency's update on every quarter that has ended."""
        year = self.today.year
        drafted = max(_at(date(year - 1, 12, 1), 10, self.zone), self.founded + timedelta(days=1))
        state: dict[str, Any] = {}
        # Figures of this network: how far its activities got, and what they spent.
        pace = self.rng.uniform(0.5, 1.0)

        def draft() -> None:
            plan = plan_services.workplan_create(
                network=self.network,
                by=self.secretariat,
                title=f"Joint workplan {year}–{year + 1}",
                start_year=year,
                years=2,
            )
            outputs = {}
            for code, (title, output_titles) in OUTCOMES.items():
                outcome = plan_services.outcome_add(
                    workplan=plan, by=self.secretariat, code=code, title=title
                )
                for output_code, output_title in output_titles.items():
                    outputs[output_code] = plan_services.output_add(
                        outcome=outcome, by=self.secretariat, code=output_code, title=output_title
                    )
            objectives = {o.number: o for o in GCMObjective.objects.all()}
            for _o, output, code, title, lead, gcm, required, available, first in ACTIVITIES:
                activity = plan_services.activity_add(
                    output=outputs[output],
                    by=self.secretariat,
                    data=plan_services.ActivityData(
                        code=code,
                        title=title,
                        lead_organisation=self.org(lead),
                        quarters=plan.quarters[first - 1 : first + 4],
                        budget_required=Decimal(required),
                        budget_available=Decimal(available),
                        gcm_objectives=[objectives[n] for n in gcm],
                        gender_marker=2 if lead == "UNICEF" else 1,
                        human_rights_marker=2 if lead in ("UNHCR", "UNICEF") else 1,
                    ),
                )
                plan_services.indicator_add(
                    activity=activity, by=self.secretariat, name="Milestones reached", target=4
                )
            state["plan"] = plan

        def endorse() -> None:
            state["plan"] = plan_services.workplan_endorse(workplan=state["plan"], by=self.cochair1)

        def activate() -> None:
            plan_services.workplan_move(
                workplan=Workplan.objects.get(pk=state["plan"].pk),
                by=self.secretariat,
                status=Workplan.Status.ACTIVE,
            )

        start = _at(date(year, 1, 1), 0, self.zone)
        self.at(drafted, draft)
        self.at(drafted + timedelta(days=14), endorse)
        self.at(self.between(start, timedelta(days=5), 0.05), activate)
        for quarter in (1, 2, 3, 4):
            period = quarters.quarter_of(self.zone, year, quarter)
            if period.end >= self.now:
                break
            moment = self.between(period.end, timedelta(days=4), 0.3)
            self.at(moment, self._updates(state, period.label, quarter, pace))

    def _updates(
        self, state: dict[str, Any], label: str, quarter: int, pace: float
    ) -> Callable[[], None]:
        def step() -> None:
            plan = Workplan.objects.get(pk=state["plan"].pk)
            for activity in Activity.objects.filter(workplan=plan).select_related(
                "lead_organisation"
            ):
                if label < min(activity.quarters):
                    continue
                done = len([q for q in activity.quarters if q <= label])
                progress = min(4, round(done * pace * self.rng.uniform(0.6, 1.2)))
                status = (
                    Activity.Status.COMPLETED
                    if progress >= 4
                    else Activity.Status.DELAYED
                    if self.rng.random() > pace
                    else Activity.Status.ON_TRACK
                )
                spent = (activity.budget_available * Decimal(progress) / 4).quantize(Decimal("1"))
                indicator = Indicator.objects.filter(activity=activity).first()
                plan_services.update_record(
                    activity=activity,
                    by=self.speaker(activity.lead_organisation),
                    quarter=label,
                    status=status,
                    narrative=f"{activity.title}: {progress} of 4 milestones reached by the end "
                    f"of the quarter."
                    + (
                        " Work is behind plan; the lead agency is recruiting."
                        if status == Activity.Status.DELAYED
                        else ""
                    ),  # fmt: skip
                    spent_to_date=spent,
                    actuals={indicator.pk: progress} if indicator else None,
                )

        return step

    def plan_reports(self) -> None:
        """The reports of the last ended quarters as the beat drafted them (15 minutes past
        the quarter's end), the secretariat's narrative, and both co-chairs' signatures —
        except the latest, drafted and waiting for the co-chairs."""
        period = quarters.last_ended_quarter(self.zone, self.now)
        periods = []
        for _n in range(REPORTED_QUARTERS):
            if period.end > self.founded:
                periods.append(period)
            period = period.previous
        for n, period in enumerate(reversed(periods)):
            latest = n == len(periods) - 1
            self._report(period, latest=latest)

    def _report(self, period: quarters.Quarter, *, latest: bool) -> None:
        state: dict[str, Any] = {}

        def draft() -> None:
            state["report"], _created = report_services.report_open(
                network=self.network,
                by=None,
                year=period.year,
                quarter=period.quarter,
                notify=True,
            )

        def narrative() -> None:
            report = QuarterlyReport.objects.get(pk=state["report"].pk)
            report_services.narrative_save(
                report=report,
                by=self.secretariat,
                narrative=f"In {period.label} the network met as planned and followed up its "
                "action points. The lead agencies reported on the joint workplan; the "
                "figures below are computed from the portal's records.",
                revision=report.revision,
            )

        def sign(co_chair: User) -> Callable[[], None]:
            return lambda: report_services.report_submit(
                report=QuarterlyReport.objects.get(pk=state["report"].pk), by=co_chair
            )

        self.at(self.between(period.end, timedelta(minutes=15), 0.01), draft)
        self.at(self.between(period.end, timedelta(days=6), 0.5), narrative)
        if not latest:
            self.at(period.end + timedelta(days=9), sign(self.cochair1))
            self.at(period.end + timedelta(days=10), sign(self.cochair2))

    # Documents ---------------------------------------------------------------------------

    def plan_documents(self) -> None:
        net = self.network
        C = Document.Confidentiality
        member_orgs = [self.org("UNDP"), self.org("IOM")]
        year = self.today.year - 1
        plans = [
            # (when, title, category, confidentiality, circulate, extra)
            (self.founded + timedelta(days=20), f"Terms of reference of the {net.name}",
             "tor", C.INTERNAL, True, {}),
            (self.now - timedelta(days=200), f"Labour migration study, {net.country}",
             "study", C.PARTNERS, True, {}),
            (self.now - timedelta(days=90), f"The network's year {year} in brief",
             "report", C.PUBLIC, False,
             {"public_agreement": f"Agreed by both co-chairs at the regular meeting of "
                                  f"{(self.now - timedelta(days=105)):%B %Y}."}),
            (self.now - timedelta(days=40), "Concept note for a joint programme on "
             "reintegration (draft)", "proposal", C.RESTRICTED, False,
             {"organisations": member_orgs}),
            (self.now - timedelta(days=1), f"Remittances and household income, {net.country}",
             "study", C.INTERNAL, True, {}),
            (self.now - timedelta(minutes=3), "Briefing note for the Annual Network Meeting",
             "other", C.INTERNAL, True, {}),
        ]  # fmt: skip
        for when, title, category, confidentiality, circulate, extra in plans:
            if when <= self.founded:
                continue
            self.at(when, self._document(title, category, confidentiality, circulate, extra))

    def _document(
        self, title: str, category: str, confidentiality: str, circulate: bool, extra: dict
    ) -> Callable[[], None]:
        def step() -> None:
            html = Template(
                '<html lang="en"><head><title>{{ title }}</title></head><body><h1>{{ title }}'
                "</h1><p>{{ network.name }}</p><p>{{ network.designation_footnote }}</p>"
                "</body></html>"
            ).render(Context({"title": title, "network": self.network}))
            pdf = networks.pdf.html_to_pdf(html)
            document = document_services.document_upload(
                network=self.network,
                by=self.secretariat,
                title=title,
                category=category,
                confidentiality=confidentiality,
                file=SimpleUploadedFile(f"{category}.pdf", pdf, content_type="application/pdf"),
                **extra,
            )
            if circulate:
                document_services.document_circulate(document=document, by=self.secretariat)
            version = document.versions.order_by("-number").first()
            may_open = {opener.user.pk for opener in openers(document)}
            for user in (self.member, self.cochair1):
                if version is not None and user.pk in may_open:
                    document_services.document_read(version=version, user=user)

        return step

    # Mail --------------------------------------------------------------------------------

    def settle_deliveries(self) -> None:
        """Each delivery in the state it would have reached. Nothing was handed to the queue
        (the loader holds mailings back); here the past ones are sent, two in three of them
        opened, those to the refusing mailbox in the last two months failed; the mailings
        of the last ten minutes stay queued, one of their deliveries being sent; digest
        deliveries wait for the daily digest."""
        S = Delivery.Status
        recent = self.now - timedelta(minutes=10)
        for circulation in Circulation.objects.filter(network=self.network).order_by(
            "created_at", "pk"
        ):
            deliveries = Delivery.objects.filter(circulation=circulation, status=S.QUEUED)
            if circulation.created_at >= recent:
                first = deliveries.order_by("pk").first()
                if first is not None:
                    Delivery.objects.filter(pk=first.pk).update(status=S.SENDING, attempts=1)
                continue
            sent_at = circulation.created_at + timedelta(minutes=2)
            if self.bouncing is not None and circulation.created_at > self.now - timedelta(days=60):
                deliveries.filter(recipient=self.bouncing).update(
                    status=S.FAILED,
                    attempts=5,
                    last_error=f"550 5.1.1 <{self.bouncing.email}>: mailbox unavailable",
                )
            deliveries.update(status=S.SENT, attempts=1, sent_at=sent_at)
            opened = Q(recipient__isnull=False) & ~Q(recipient_id__in=self._unread(circulation))
            Delivery.objects.filter(circulation=circulation, status=S.SENT).filter(opened).update(
                opened_at=sent_at + timedelta(hours=3)
            )

    def _unread(self, circulation: Circulation) -> list[int]:
        """One in three recipients did not open the mailing (a different third each time)."""
        ids = sorted(
            Delivery.objects.filter(circulation=circulation, recipient__isnull=False).values_list(
                "recipient_id", flat=True
            )
        )
        return [pk for n, pk in enumerate(ids) if (n + circulation.pk) % 3 == 0]


def has_history(network: Network) -> bool:
    return (
        Meeting.objects.filter(network=network).exists()
        or Decision.objects.filter(network=network).exists()
    )
