"""Meeting pages: the list, a meeting with its agenda and participants, the editors and the
agenda's transitions. Every page enters the network and checks its action
(NetworkPageMixin); a meeting the person may not see is the same 404 as a missing one.
Times are shown and typed in the network's time zone: entering the network entered its
clock (portal.clock)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from meetings import flows, ics, links, selectors, services
from meetings.forms import (
    ActionPointFormSet,
    AgendaItemForm,
    AttendanceForm,
    CancelForm,
    GuestFormSet,
    InviteForm,
    MeetingForm,
    MeetingSettingsForm,
    MinutesApproveForm,
    MinutesCommentForm,
    MinutesCorrectForm,
    MinutesItemForm,
    MinutesReturnForm,
    MinutesSubmitForm,
    ReturnForm,
    RsvpForm,
    guests_of,
)
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceGuest,
    CalendarFeed,
    CalendarReply,
    Meeting,
    Minutes,
    MinutesItem,
    MinutesVersion,
)
from meetings.timetable import overrun_warning, timetable
from networks import signoff
from networks.access import not_found
from networks.formtools import add_service_errors, form_errors, refused
from networks.mixins import NetworkPageMixin
from networks.models import WorkingGroup
from networks.roles import Action
from portal import clock
from workflow import status_of

PAGE_SIZE = 25
# The meeting list shows a year of meetings on one page (a network's regular meetings, its
# working groups' and the extraordinary ones together stay well under this), in the same
# fixed number of queries whatever the number (issue #16).
MEETING_LIST_PAGE_SIZE = 100


class MeetingPageMixin(NetworkPageMixin):
    """A meeting page: `self.meeting` when the URL names one the person may see."""

    def setup_meeting(self) -> Meeting:
        meeting = (
            selectors.meetings_visible(access=self.network_access)
            .filter(pk=self.kwargs["meeting_id"])
            .first()
        )
        if meeting is None:
            raise not_found()
        return meeting

    def meeting_url(self, meeting: Meeting) -> str:
        return reverse(
            "meetings:detail", kwargs={"network": self.network.slug, "meeting_id": meeting.pk}
        )


class MeetingListView(MeetingPageMixin, TemplateView):
    required_action = Action.MEETINGS_VIEW
    template_name = "meetings/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        when = "past" if self.request.GET.get("when") == "past" else "upcoming"
        kind = self.request.GET.get("kind", "")
        if kind not in Meeting.Kind.values:
            kind = ""
        group = self.request.GET.get("working_group", "")
        group_id = int(group) if group.isdigit() and len(group) < 18 else None
        meetings = selectors.meeting_list(
            access=self.network_access, when=when, kind=kind, working_group=group_id
        )
        context.update(
            when=when,
            kind=kind,
            working_group=group_id,
            kinds=Meeting.Kind.choices,
            working_groups=list(WorkingGroup.objects.order_by("name").values_list("pk", "name")),
            page=Paginator(meetings, MEETING_LIST_PAGE_SIZE).get_page(self.request.GET.get("page")),
            can_manage=self.network_access.can(Action.MEETINGS_MANAGE),
            cadence=selectors.cadence(network=self.network, access=self.network_access),
            pager_query=urlencode(
                {
                    key: value
                    for key, value in {
                        "when": when,
                        "kind": kind,
                        "working_group": group_id,
                    }.items()
                    if value
                }
            ),
        )
        return context


class MeetingCreateView(MeetingPageMixin, FormView):
    required_action = Action.MEETINGS_MANAGE
    template_name = "meetings/form.html"
    form_class = MeetingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "zone_label": clock.zone_label(self.network)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                network=self.network,
                by=self.request.user,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                online_url=data["online_url"],
                working_group=data["working_group"],
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The meeting is scheduled. Now write its agenda."))
        _warn_about_link(self.request, meeting)
        return redirect(self.meeting_url(meeting))


def _warn_about_link(request, meeting: Meeting) -> None:
    warning = links.link_warning(meeting.online_url)
    if warning:
        messages.warning(request, warning)


class MeetingDetailView(MeetingPageMixin, TemplateView):
    required_action = Action.MEETINGS_VIEW
    template_name = "meetings/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = selectors.meeting_page(
            access=self.network_access, meeting_id=self.kwargs["meeting_id"]
        )
        if page is None:
            raise not_found()
        access = self.network_access
        can_manage = access.can(Action.MEETINGS_MANAGE)
        agenda_steps = flows.AGENDA.steps_for(page.meeting, access)
        context.update(
            page=page,
            meeting=page.meeting,
            can_manage=can_manage,
            agenda_steps=agenda_steps,
            agenda_signoff=signoff.signoff_people(services.agenda_signoff(page.meeting))
            if page.meeting.agenda_status == Meeting.AgendaStatus.SUBMITTED
            else None,
            can_invite=access.can(Action.MEETINGS_INVITE),
            can_rsvp=access.can(Action.MEETING_RSVP) and page.mine is not None,
            rsvp_form=kwargs.get("rsvp_form")
            or RsvpForm(
                participant=page.mine,
                initial={"answer": page.mine.answer, "delegate": page.mine.delegate_id}
                if page.mine
                else None,
            ),
            return_form=ReturnForm(),
            invite_form=InviteForm(meeting=page.meeting)
            if access.can(Action.MEETINGS_INVITE)
            else None,
            can_view_minutes=access.can(Action.MINUTES_VIEW),
            can_add_documents=access.can(Action.DOCUMENTS_MANAGE),
            minutes_status=page.minutes_status,
            overrun_warning=overrun_warning(page.meeting, page.timetable) if can_manage else "",
            link_service=links.service_of(page.meeting.online_url),
            link_warning=links.link_warning(page.meeting.online_url) if can_manage else "",
            join_open=bool(page.meeting.online_url)
            and not page.meeting.is_cancelled
            and links.join_open(page.meeting.starts_at, page.meeting.ends_at, timezone.now()),
        )
        from meetings.pack_views import pack_context  # the pack's section (its own module)

        context.update(pack_context(page.meeting, access))
        return context


class MeetingEditView(MeetingPageMixin, FormView):
    """Two secretaries may edit at once: the form carries the version it started from, and a
    save over a newer version is refused with everything typed kept in the form."""

    required_action = Action.MEETINGS_MANAGE
    template_name = "meetings/form.html"
    form_class = MeetingForm

    def get_form_kwargs(self):
        self.meeting = self.setup_meeting()
        kwargs = {**super().get_form_kwargs(), "zone_label": clock.zone_label(self.network)}
        if self.request.method == "GET":
            meeting = self.meeting
            kwargs["initial"] = {
                "kind": meeting.kind,
                "title": meeting.title,
                "working_group": meeting.working_group_id,
                "starts_at": clock.local(meeting.starts_at),
                "ends_at": clock.local(meeting.ends_at),
                "location": meeting.location,
                "online_url": meeting.online_url,
                "version": meeting.version,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "meeting": self.meeting}

    def form_valid(self, form):
        data = form.cleaned_data
        if data.get("version") is None:
            form.add_error(None, _("The form is incomplete: open the meeting again and retry."))
            return self.form_invalid(form)
        try:
            services.meeting_update(
                meeting=self.meeting,
                by=self.request.user,
                version=data["version"],
                kind=data["kind"],
                title=data["title"],
                working_group=data["working_group"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                online_url=data["online_url"],
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The meeting is saved."))
        self.meeting.refresh_from_db(fields=["online_url"])
        _warn_about_link(self.request, self.meeting)
        return redirect(self.meeting_url(self.meeting))


class MeetingSettingsView(MeetingPageMixin, FormView):
    """The secretariat's settings of the network's invitations: organiser and reminders."""

    required_action = Action.MEETINGS_MANAGE
    template_name = "meetings/settings.html"
    form_class = MeetingSettingsForm

    def get_initial(self):
        row = services.meeting_settings_of(self.network)
        if row is None:
            return {"secretariat_email": "", "reminder_minutes": "1440, 15"}
        return {
            "secretariat_email": row.secretariat_email,
            "reminder_minutes": row.reminder_minutes,
        }

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "portal_sender": ics.portal_sender()}

    def form_valid(self, form):
        try:
            services.meeting_settings_save(
                network=self.network,
                by=self.request.user,
                secretariat_email=form.cleaned_data["secretariat_email"],
                reminder_minutes=form.cleaned_data["reminder_minutes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The invitations' settings are saved."))
        return redirect(reverse("meetings:settings", kwargs={"network": self.network.slug}))


class CalendarRepliesView(MeetingPageMixin, TemplateView):
    """The secretariat's view of the calendars' answers read from the mailbox: applied, or
    ignored with the reason."""

    required_action = Action.MEETINGS_MANAGE
    template_name = "meetings/replies.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        replies = CalendarReply.objects.select_related("meeting").order_by("-received_at", "-pk")
        context["page"] = Paginator(replies, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return context


class MeetingCancelView(MeetingPageMixin, FormView):
    required_action = Action.MEETINGS_MANAGE
    template_name = "meetings/cancel.html"
    form_class = CancelForm

    def get_form_kwargs(self):
        self.meeting = self.setup_meeting()
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "meeting": self.meeting}

    def form_valid(self, form):
        try:
            services.meeting_cancel(
                meeting=self.meeting, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The meeting is cancelled."))
        return redirect(self.meeting_url(self.meeting))


class AgendaItemFormView(MeetingPageMixin, FormView):
    required_action = Action.MEETINGS_MANAGE
    template_name = "meetings/item_form.html"
    form_class = AgendaItemForm

    def get_form_kwargs(self):
        self.meeting = self.setup_meeting()
        self.item = None
        if "item_id" in self.kwargs:
            self.item = AgendaItem.objects.filter(
                meeting=self.meeting, pk=self.kwargs["item_id"]
            ).first()
            if self.item is None:
                raise not_found()
        kwargs = super().get_form_kwargs()
        if self.item is not None and self.request.method == "GET":
            kwargs["initial"] = {
                "title": self.item.title,
                "description": self.item.description,
                "presenter_organisation": self.item.presenter_organisation_id,
                "presenter": self.item.presenter_id,
                "duration_minutes": self.item.duration_minutes,
                "is_break": self.item.is_break,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "meeting": self.meeting, "item": self.item}

    def form_valid(self, form):
        try:
            services.agenda_item_save(
                meeting=self.meeting, by=self.request.user, item=self.item, **form.cleaned_data
            )
        except ValidationError as error:
            return refused(self, form, error)
        messages.success(self.request, _("The agenda item is saved."))
        return redirect(self.meeting_url(self.meeting) + "#agenda")


class AgendaItemDeleteView(MeetingPageMixin, TemplateView):
    """GET asks, POST deletes: an agenda item goes only once the secretariat has confirmed,
    on a page that names it and says what happens to its documents."""

    required_action = Action.MEETINGS_MANAGE
    template_name = "meetings/item_delete.html"

    def get_item(self) -> AgendaItem:
        self.meeting = self.setup_meeting()
        item = AgendaItem.objects.filter(meeting=self.meeting, pk=self.kwargs["item_id"]).first()
        if item is None:
            raise not_found()
        return item

    def get_context_data(self, **kwargs):
        item = self.get_item()
        return {
            **super().get_context_data(**kwargs),
            "meeting": self.meeting,
            "item": item,
            "document_count": item.documents.count(),
        }

    def post(self, request, network, meeting_id, item_id):
        item = self.get_item()
        try:
            services.agenda_item_delete(item=item, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The agenda item is deleted."))
        return redirect(self.meeting_url(self.meeting) + "#agenda")


class AgendaItemActionView(MeetingPageMixin, View):
    """POST: move an item up or down."""

    required_action = Action.MEETINGS_MANAGE
    action = ""

    def post(self, request, network, meeting_id, item_id):
        meeting = self.setup_meeting()
        item = (
            AgendaItem.objects.filter(meeting=meeting, pk=item_id).select_related("meeting").first()
        )
        if item is None:
            raise not_found()
        try:
            services.agenda_item_move(item=item, by=request.user, up=self.action == "up")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self.meeting_url(meeting) + "#agenda")


class AgendaTransitionView(MeetingPageMixin, View):
    """POST: one step of the agenda's life. Each subclass names its action and service."""

    service = None
    success = ""

    def post(self, request, network, meeting_id):
        meeting = self.setup_meeting()
        try:
            self.run(meeting)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.success_message())
        return redirect(self.meeting_url(meeting) + "#agenda")

    def run(self, meeting):
        type(self).service(meeting=meeting, by=self.request.user)

    def success_message(self) -> str:
        return str(self.success)


class AgendaSubmitView(AgendaTransitionView):
    required_action = Action.MEETINGS_MANAGE
    service = staticmethod(services.agenda_submit)

    def run(self, meeting):
        submitted = services.agenda_submit(meeting=meeting, by=self.request.user)
        slots = timetable(submitted, services.agenda_items(submitted))
        warning = overrun_warning(submitted, slots)
        if warning:
            messages.warning(self.request, warning)

    def success_message(self):
        return _("The agenda is submitted to the co-chairs.")


class AgendaApproveView(AgendaTransitionView):
    required_action = Action.AGENDA_APPROVE
    service = staticmethod(services.agenda_approve)

    def run(self, meeting):
        self.approved = services.agenda_approve(meeting=meeting, by=self.request.user)

    def success_message(self):
        if self.approved.agenda_status == Meeting.AgendaStatus.APPROVED:
            return _(
                "You approved the agenda. The secretariat can circulate it now; the other "
                "co-chairs are told and may still return it until then."
            )
        return _("Your approval is recorded; the other co-chairs' approval is still needed.")


class AgendaReturnView(AgendaTransitionView):
    required_action = Action.AGENDA_APPROVE

    def run(self, meeting):
        form = ReturnForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Say what should change."))
        services.agenda_return(
            meeting=meeting, by=self.request.user, comment=form.cleaned_data["comment"]
        )

    def success_message(self):
        return _("The agenda is back with the secretariat, with your comment.")


class AgendaReopenView(AgendaTransitionView):
    required_action = Action.MEETINGS_MANAGE
    service = staticmethod(services.agenda_reopen)

    def success_message(self):
        return _("The agenda is a draft again; it needs a co-chair's approval before it goes out.")


class AgendaCirculateView(AgendaTransitionView):
    required_action = Action.MEETINGS_MANAGE
    service = staticmethod(services.agenda_circulate)

    def success_message(self):
        return _("The agenda is on its way to every participant, with the calendar invitation.")


class RsvpView(MeetingPageMixin, View):
    """POST the person's answer. Saved: back to the meeting. Refused: the meeting page again
    with the form as filled in — the answer still chosen — and the refusal at its field
    (a colleague not named, not of the organisation…), with the refusal's status."""

    required_action = Action.MEETING_RSVP

    def post(self, request, network, meeting_id):
        meeting = self.setup_meeting()
        mine = meeting.participants.filter(user=request.user).first()
        if mine is None:
            raise not_found()
        form = RsvpForm(request.POST, participant=mine)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.rsvp(
                    meeting=meeting,
                    user=request.user,
                    answer=data["answer"],
                    delegate=data.get("delegate"),
                    delegate_email=data.get("delegate_email") or "",
                    delegate_name=data.get("delegate_name") or "",
                    language=get_language() or "",
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("Your answer is saved."))
                if saved.delegate_invitation_id and saved.delegate_id is None:
                    messages.success(
                        request,
                        _(
                            "An invitation is on its way to %(email)s: once they accept it, "
                            "they attend in your place."
                        )
                        % {"email": saved.delegate_invitation.email},
                    )
                return redirect(self.meeting_url(meeting) + "#rsvp")
        page = MeetingDetailView()
        page.setup(request, network=network, meeting_id=meeting_id)
        page.network, page.network_access = self.network, self.network_access
        return page.render_to_response(page.get_context_data(rsvp_form=form), status=status)


class ParticipantInviteView(MeetingPageMixin, View):
    required_action = Action.MEETINGS_INVITE

    def post(self, request, network, meeting_id):
        meeting = self.setup_meeting()
        form = InviteForm(request.POST, meeting=meeting)
        if not form.is_valid():
            messages.error(request, _("Choose a person of this network who is not yet invited."))
        else:
            try:
                services.participant_invite(
                    meeting=meeting, by=request.user, user=form.cleaned_data["user"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The person is invited."))
        return redirect(self.meeting_url(meeting) + "#participants")


class AgendaPdfView(MeetingPageMixin, View):
    required_action = Action.MEETINGS_VIEW

    def get(self, request, network, meeting_id):
        meeting = self.setup_meeting()
        # An agenda still with the secretariat and the co-chairs is no one else's to read.
        if not selectors.agenda_shown(meeting, self.network_access):
            raise not_found()
        response = HttpResponse(services.agenda_pdf(meeting), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="agenda-{meeting.pk}.pdf"'
        response["Cache-Control"] = "private, no-store"
        return response


class MeetingIcsView(MeetingPageMixin, View):
    """The meeting for one's calendar (METHOD:PUBLISH: adding it, not answering)."""

    required_action = Action.MEETINGS_VIEW

    def get(self, request, network, meeting_id):
        meeting = self.setup_meeting()
        meeting.network = self.network
        response = HttpResponse(
            ics.feed([meeting], name=meeting.title), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
        response["Cache-Control"] = "private, no-store"
        return response


class CalendarSubscriptionView(LoginRequiredMixin, TemplateView):
    """The person's calendar subscription: a secret link to every meeting of theirs, across
    networks. Making a new link ends the old one; the link is shown once."""

    template_name = "meetings/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active"] = CalendarFeed.objects.filter(
            user=self.request.user, revoked_at__isnull=True
        ).first()
        context["new_link"] = self.request.session.pop("calendar_feed_link", "")
        return context

    def post(self, request):
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("The calendar link no longer works."))
        else:
            token = services.calendar_feed_create(user=request.user)
            request.session["calendar_feed_link"] = request.build_absolute_uri(
                reverse("calendar-feed", kwargs={"token": token})
            )
            messages.success(
                request, _("Your new calendar link is ready; any earlier one has stopped working.")
            )
        return redirect("calendar-subscription")


def calendar_feed(request, token: str):
    """The subscription itself, for calendar apps: no sign-in, the secret is the key. An
    unknown or revoked link is a plain 404."""
    if len(token) > 100:
        raise not_found()
    feed = selectors.feed_for_token(services.hash_feed_token(token))
    if feed is None or not feed.user.is_active:
        raise not_found()
    body = ics.feed(selectors.feed_meetings(user=feed.user), name=_("My meetings"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# Minutes ----------------------------------------------------------------------------------


class MinutesMixin(MeetingPageMixin):
    def minutes_url(self, meeting: Meeting) -> str:
        return reverse(
            "meetings:minutes", kwargs={"network": self.network.slug, "meeting_id": meeting.pk}
        )

    def get_minutes(self, meeting: Meeting) -> Minutes:
        minutes = Minutes.objects.filter(meeting=meeting).select_related("meeting").first()
        if minutes is None:
            raise not_found()
        return minutes


class MinutesView(MinutesMixin, TemplateView):
    """The minutes as this person may see them: approved versions for everyone who may read
    minutes; the draft, the submitted version and its comments for secretariat and co-chairs;
    the submitted version for attendees while comments are open."""

    required_action = Action.MINUTES_VIEW
    template_name = "meetings/minutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = self.setup_meeting()
        access = self.network_access
        can_read_drafts = access.can(Action.MINUTES_DRAFT_VIEW)
        page = selectors.minutes_page(
            access=access, meeting=meeting, can_read_drafts=can_read_drafts
        )
        minutes = page.minutes
        commenting = bool(
            minutes
            and page.pending
            and minutes.comment_deadline
            and minutes.comment_deadline > timezone.now()
        )
        approved_by_me = bool(
            page.pending
            and any(
                a.co_chair_id == access.user_id for a in page.approvals.get(page.pending.pk, [])
            )
        )
        context.update(
            meeting=meeting,
            page=page,
            minutes=minutes,
            minutes_steps=flows.MINUTES.steps_for(minutes, access) if minutes else [],
            pending_signoff=signoff.signoff_people(services.minutes_signoff(page.pending))
            if page.pending
            else None,
            can_edit=access.can(Action.MINUTES_EDIT),
            can_read_drafts=can_read_drafts,
            show_pending=page.pending is not None
            and (can_read_drafts or (commenting and page.attendee)),
            can_comment=commenting and page.attendee and access.can(Action.MINUTES_COMMENT),
            approved_by_me=approved_by_me,
            started=meeting.starts_at <= timezone.now(),
            submit_form=MinutesSubmitForm(
                initial={"version": minutes.version} if minutes else None
            ),
            approve_form=MinutesApproveForm(
                initial={"content_sha256": page.pending.content_sha256} if page.pending else None
            ),
            return_form=MinutesReturnForm(),
            comment_form=MinutesCommentForm(),
            correct_form=MinutesCorrectForm(),
            statuses=dict(Attendance.Status.choices),
        )
        return context


class MinutesActionView(MinutesMixin, View):
    """POST: one step of the minutes' life; each subclass names its action and runs it."""

    form_class = None

    def post(self, request, network, meeting_id):
        meeting = self.setup_meeting()
        form = self.form_class(request.POST) if self.form_class else None
        try:
            if form is not None and not form.is_valid():
                raise form_errors(form)
            message = self.run(meeting, form.cleaned_data if form is not None else {})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, message)
        return redirect(self.minutes_url(meeting))


class MinutesStartView(MinutesActionView):
    required_action = Action.MINUTES_EDIT

    def run(self, meeting, data):
        services.minutes_start(meeting=meeting, by=self.request.user)
        return _("The minutes are started: record the attendance and each item.")


class MinutesSubmitView(MinutesActionView):
    required_action = Action.MINUTES_EDIT
    form_class = MinutesSubmitForm

    def run(self, meeting, data):
        services.minutes_submit(
            minutes=self.get_minutes(meeting),
            by=self.request.user,
            version=data["version"],
            comment_deadline=data.get("comment_deadline"),
        )
        return _("The minutes are submitted to the co-chairs.")


class MinutesApproveView(MinutesActionView):
    required_action = Action.MINUTES_APPROVE
    form_class = MinutesApproveForm

    def run(self, meeting, data):
        version = services.minutes_approve(
            minutes=self.get_minutes(meeting),
            by=self.request.user,
            content_sha256=data["content_sha256"],
        )
        if version.approved_at:
            return _("The minutes are approved and on their way to every participant.")
        return _("Your approval is recorded; the other co-chair's is still needed.")


class MinutesReturnView(MinutesActionView):
    required_action = Action.MINUTES_APPROVE
    form_class = MinutesReturnForm

    def run(self, meeting, data):
        services.minutes_return(
            minutes=self.get_minutes(meeting), by=self.request.user, note=data["note"]
        )
        return _("The minutes are back with the secretariat, with your comments.")


class MinutesCommentView(MinutesActionView):
    required_action = Action.MINUTES_COMMENT
    form_class = MinutesCommentForm

    def run(self, meeting, data):
        services.minutes_comment(
            minutes=self.get_minutes(meeting), by=self.request.user, text=data["text"]
        )
        return _("Your comment is recorded for the secretariat and the co-chairs.")


class MinutesCorrectView(MinutesActionView):
    required_action = Action.MINUTES_EDIT
    form_class = MinutesCorrectForm

    def run(self, meeting, data):
        services.minutes_correct(
            minutes=self.get_minutes(meeting), by=self.request.user, reason=data["reason"]
        )
        return _("The minutes are a draft again for the correction; it needs approval.")


class AttendanceView(MinutesMixin, FormView):
    """Who was there: one choice per person on the list (filled in from the answers when the
    minutes started), the guests by name and organisation, and "Everyone was present" — a
    submit button of its own, so it works without JavaScript: it marks everyone on the list
    present (with the guests typed so far) and comes back to the form to note exceptions."""

    required_action = Action.MINUTES_EDIT
    template_name = "meetings/attendance.html"
    form_class = AttendanceForm

    def get_form_kwargs(self):
        self.meeting = self.setup_meeting()
        self.minutes = self.get_minutes(self.meeting)
        rows = Attendance.objects.filter(minutes=self.minutes).select_related(
            "user", "organisation"
        )
        kwargs = {**super().get_form_kwargs(), "rows": rows}
        if self.request.method == "GET":
            kwargs["initial"] = {"version": self.minutes.version}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "guests" not in kwargs:
            context["guests"] = GuestFormSet(
                prefix="guests",
                initial=[
                    {"name": guest.name, "organisation": guest.organisation}
                    for guest in AttendanceGuest.objects.filter(minutes=self.minutes)
                ],
            )
        return {**context, "meeting": self.meeting}

    def attendance_url(self) -> str:
        return reverse(
            "meetings:minutes-attendance",
            kwargs={"network": self.network.slug, "meeting_id": self.meeting.pk},
        )

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        guests = GuestFormSet(request.POST, prefix="guests")
        typed_guests = "guests-TOTAL_FORMS" in request.POST
        if "all_present" in request.POST:
            return self.all_present(form, guests if typed_guests else None)
        # A post without the guests' rows leaves the guests as they are.
        if not (form.is_valid() and (not typed_guests or guests.is_valid())):
            response = self.render_to_response(self.get_context_data(form=form, guests=guests))
            response.status_code = 400
            return response
        try:
            services.attendance_save(
                minutes=self.minutes,
                by=request.user,
                version=form.cleaned_data["version"],
                statuses=form.statuses(),
                guests=guests_of(guests) if typed_guests else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            response = self.render_to_response(self.get_context_data(form=form, guests=guests))
            response.status_code = status_of(error)
            return response
        messages.success(request, _("The attendance is saved."))
        return redirect(self.minutes_url(self.meeting))

    def all_present(self, form, guests):
        version = form["version"].value()
        if guests is not None and not guests.is_valid():
            response = self.render_to_response(self.get_context_data(form=form, guests=guests))
            response.status_code = 400
            return response
        try:
            services.attendance_save(
                minutes=self.minutes,
                by=self.request.user,
                version=int(version) if str(version).isdigit() and len(str(version)) < 10 else None,
                statuses={row.user_id: Attendance.Status.PRESENT for row in form.rows},
                guests=guests_of(guests) if guests is not None else None,
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(
                self.request,
                _(
                    "Everyone on the list is marked present. Change those who were not "
                    "there, then save."
                ),
            )
        return redirect(self.attendance_url())


class MinutesItemView(MinutesMixin, TemplateView):
    """One item of the draft: summary, decisions and action points."""

    required_action = Action.MINUTES_EDIT
    template_name = "meetings/minutes_item.html"

    def load(self):
        self.meeting = self.setup_meeting()
        self.minutes = self.get_minutes(self.meeting)
        self.item = MinutesItem.objects.filter(
            minutes=self.minutes, pk=self.kwargs["minutes_item_id"]
        ).first()
        if self.item is None:
            raise not_found()

    def get(self, request, *args, **kwargs):
        self.load()
        points = [
            {"text": p.text, "owner_organisation": p.owner_organisation_id, "due_date": p.due_date}
            for p in self.item.action_points.all()
        ]
        form = MinutesItemForm(
            initial={
                "version": self.minutes.version,
                "summary": self.item.summary,
                "decisions": self.item.decisions,
            }
        )
        return self.render_to_response(
            self.get_context_data(form=form, points=ActionPointFormSet(initial=points))
        )

    def post(self, request, *args, **kwargs):
        self.load()
        form = MinutesItemForm(request.POST)
        points = ActionPointFormSet(request.POST)
        status = 200
        if form.is_valid() and points.is_valid():
            try:
                services.minutes_item_save(
                    item=self.item,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    summary=form.cleaned_data["summary"],
                    decisions=form.cleaned_data["decisions"],
                    action_points=[
                        point for point in points.cleaned_data if point and point.get("text")
                    ],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The item is saved."))
                return redirect(self.minutes_url(self.meeting) + f"#item-{self.item.pk}")
        return self.render_to_response(
            self.get_context_data(form=form, points=points), status=status
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "meeting": self.meeting,
            "item": self.item,
        }


class MinutesPdfView(MinutesMixin, View):
    """A version's PDF as it was approved (or submitted, for those who may read drafts)."""

    required_action = Action.MINUTES_VIEW

    def get(self, request, network, meeting_id, number):
        meeting = self.setup_meeting()
        minutes = self.get_minutes(meeting)
        version = MinutesVersion.objects.filter(minutes=minutes, number=number).first()
        if version is None or not (
            version.approved_at or self.network_access.can(Action.MINUTES_DRAFT_VIEW)
        ):
            raise not_found()
        response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="minutes-{meeting.pk}-v{version.number}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
