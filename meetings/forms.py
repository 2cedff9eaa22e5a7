"""Forms of the meeting pages. Times are typed in the network's time zone (entering the
network entered its clock, portal.clock), and every choice is limited to the entered
network."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from common.widgets import PersonChoiceField, local_datetime_field
from documents.forms import network_people
from meetings.models import Attendance, Meeting, Participant
from networks.models import Membership, Organisation, Participation, WorkingGroup


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    working_group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        help_text=_("For a working-group meeting."),
    )
    starts_at = local_datetime_field(_("Starts"))
    ends_at = local_datetime_field(_("Ends"))
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_(
            "https only. A Microsoft Teams, Zoom, Webex or Google Meet link is taken as it is; "
            "any other address is accepted with a warning."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, zone_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = WorkingGroup.objects.order_by("name")
        if zone_label:
            help_text = _("In the network's local time: %(zone)s.") % {"zone": zone_label}
            self.fields["starts_at"].help_text = help_text
            self.fields["ends_at"].help_text = help_text

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if data.get("kind") == Meeting.Kind.WORKING_GROUP and not data.get("working_group"):
            self.add_error("working_group", _("Choose the working group that meets."))
        return data


class MeetingSettingsForm(forms.Form):
    secretariat_email = forms.EmailField(
        label=_("Secretariat's address"),
        required=False,
        help_text=_(
            "The organiser of every invitation: the calendars' answers go here, so it should "
            "reach the mailbox the portal reads (IMAP_URL). Empty: the portal's own address."
        ),
    )
    reminder_minutes = forms.CharField(
        label=_("Reminders (minutes before the start)"),
        required=False,
        max_length=60,
        help_text=_("Comma-separated, e.g. “1440, 15” for a day and a quarter of an hour."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    presenter_organisation = forms.ModelChoiceField(
        label=_("Presenting organisation"), queryset=Organisation.objects.none(), required=False
    )
    presenter = PersonChoiceField(
        label=_("Presenter"), queryset=get_user_model().objects.none(), required=False
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=600, initial=15
    )
    is_break = forms.BooleanField(
        label=_("A break"),
        required=False,
        help_text=_("Takes its time in the timetable; not numbered, no presenter."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taking_part = Participation.objects.active().values("organisation_id")
        self.fields["presenter_organisation"].queryset = Organisation.objects.filter(
            pk__in=taking_part
        ).order_by("acronym", "name")
        self.fields["presenter"].queryset = network_people()


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RsvpForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[c for c in Participant.Answer.choices if c[0] != Participant.Answer.PENDING],
        widget=forms.RadioSelect,
    )
    delegate = PersonChoiceField(
        label=_("Colleague attending instead"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("Only when you send a colleague of your organisation."),
    )
    delegate_email = forms.EmailField(
        label=_("Or your colleague's email"),
        required=False,
        max_length=254,
        help_text=_(
            "A colleague of your organisation who is not in the list: they are invited to the "
            "portal and attend in your place once they accept."
        ),
    )
    delegate_name = forms.CharField(
        label=_("Your colleague's name"), required=False, max_length=200
    )

    def __init__(self, *args, participant: Participant | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if participant is not None and participant.organisation_id:
            colleagues = Membership.objects.active().filter(
                organisation_id=participant.organisation_id
            )
            self.fields["delegate"].queryset = (
                get_user_model()
                .objects.filter(pk__in=colleagues.values("user_id"), is_active=True)
                .exclude(pk=participant.user_id)
                .order_by("full_name", "email")
            )

    def clean(self):
        data = super().clean()
        if data.get("answer") == Participant.Answer.DELEGATED:
            if not data.get("delegate") and not data.get("delegate_email"):
                if "delegate_email" not in self.errors:
                    self.add_error(
                        "delegate",
                        _("Choose the colleague who attends, or give their email."),
                    )
            elif data.get("delegate") and data.get("delegate_email"):
                self.add_error(
                    "delegate_email",
                    _("Choose a colleague in the list or give an email, not both."),
                )
        return data


class InviteForm(forms.Form):
    user = PersonChoiceField(label=_("Person"), queryset=get_user_model().objects.none())

    def __init__(self, *args, meeting: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = network_people()
        if meeting is not None:
            people = people.exclude(
                pk__in=Participant.objects.filter(meeting=meeting).values("user_id")
            )
        self.fields["user"].queryset = people


# Minutes ----------------------------------------------------------------------------------


class AttendanceForm(forms.Form):
    """One choice per person on the attendance list."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            organisation = (
                row.organisation.acronym or row.organisation.name if row.organisation else ""
            )
            name = row.user.get_full_name() or row.user.email
            self.fields[f"status_{row.user_id}"] = forms.ChoiceField(
                label=f"{name} ({organisation})" if organisation else name,
                choices=Attendance.Status.choices,
                initial=row.status,
            )

    def statuses(self) -> dict[int, str]:
        return {row.user_id: self.cleaned_data[f"status_{row.user_id}"] for row in self.rows}


class GuestForm(forms.Form):
    """Someone at the meeting who is not on the list; an empty row is no guest."""

    name = forms.CharField(label=_("Guest's name"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("organisation", "").strip() and not data.get("name", "").strip():
            self.add_error("name", _("Give the guest's name."))
        return data


GuestFormSet = forms.formset_factory(GuestForm, extra=2, max_num=50, validate_max=True)


def guests_of(formset) -> list[dict[str, str]]:
    """The guests a valid formset names, in order, without its empty rows."""
    return [
        {"name": row["name"].strip(), "organisation": row.get("organisation", "").strip()}
        for row in formset.cleaned_data
        if row and row.get("name", "").strip()
    ]


class MinutesItemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Summary of the discussion"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    decisions = forms.CharField(
        label=_("Decisions taken"),
        required=False,
        max_length=10000,
        help_text=_("One decision per line."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ActionPointForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=500, required=False)
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner organisation"), queryset=Organisation.objects.none(), required=False
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give a date, e.g. 2026-12-31.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taking_part = Participation.objects.active().values("organisation_id")
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            pk__in=taking_part
        ).order_by("acronym", "name")

    def clean(self):
        data = super().clean()
        filled = [data.get("text"), data.get("owner_organisation"), data.get("due_date")]
        if any(filled) and not all(filled):
            raise forms.ValidationError(
                _("An action point needs the action, its owner organisation and a due date.")
            )
        return data


ActionPointFormSet = forms.formset_factory(ActionPointForm, extra=2, max_num=30, validate_max=True)


class MinutesSubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment_deadline = local_datetime_field(
        _("Attendees may comment until"),
        required=False,
        help_text=_("Optional. Leave empty to send the minutes straight to the co-chairs."),
    )


class MinutesApproveForm(forms.Form):
    content_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class MinutesReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should change"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MinutesCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MinutesCorrectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)
