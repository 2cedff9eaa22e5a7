"""Forms of the document library; every choice is limited to the entered network."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from common.widgets import IdsChoiceField, PeopleChoiceField
from documents.models import Document
from networks.models import Membership, Organisation, Participation, WorkingGroup
from reference.models import GCMObjective


def _attached_to(name: str):
    """The model a document may be attached to through its field `name` (a meeting, an agenda
    item, a decision): read from the foreign key, as those apps stand above documents."""
    return Document._meta.get_field(name).related_model


def network_people():
    """People holding a role in the entered network now."""
    people = Membership.objects.active().values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=people, is_active=True)
        .order_by("full_name", "email")
    )


class ConfidentialityFields(forms.Form):
    confidentiality = forms.ChoiceField(
        label=_("Who may open it"),
        choices=Document.Confidentiality.choices,
        initial=Document.Confidentiality.INTERNAL,
        widget=forms.RadioSelect,
    )
    public_agreement = forms.CharField(
        label=_("Agreement to publish"),
        max_length=500,
        required=False,
        help_text=_("For a public document: the decision or co-chairs' act that agreed it."),
    )
    # Ticked in a list (a filter box above it where scripts run: static/js/picker.js),
    # never Ctrl-clicked in a multiple select.
    organisations = IdsChoiceField(
        label=_("Organisations that may open it"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("For a restricted document."),
        widget=forms.CheckboxSelectMultiple,
    )
    people = PeopleChoiceField(
        label=_("People who may open it"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("For a restricted document."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        taking_part = Participation.objects.active().values("organisation_id")
        self.fields["organisations"].queryset = Organisation.objects.filter(
            pk__in=taking_part
        ).order_by("acronym", "name")
        self.fields["people"].queryset = network_people()


class DocumentForm(ConfidentialityFields):
    title = forms.CharField(label=_("Title"), max_length=300)
    category = forms.ChoiceField(label=_("Category"), choices=Document.Category.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, CSV, text, PNG or JPEG."),
        error_messages={"required": _("Choose a file to upload.")},
    )
    gcm_objectives = IdsChoiceField(
        label=_("GCM objectives"),
        queryset=GCMObjective.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"), queryset=_attached_to("meeting").objects.none(), required=False
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=_attached_to("agenda_item").objects.none(),
        required=False,
    )
    working_group = forms.ModelChoiceField(
        label=_("Working group"), queryset=WorkingGroup.objects.none(), required=False
    )
    decision = forms.ModelChoiceField(
        label=_("Decision"), queryset=_attached_to("decision").objects.none(), required=False
    )

    # The file comes last: a browser sends the fields in this order, and a file over the
    # limit stops the reading of the body at the file (documents.uploads), so everything
    # chosen before it comes back with the form.
    field_order = [
        "title",
        "category",
        "language",
        "description",
        "meeting",
        "agenda_item",
        "working_group",
        "decision",
        "gcm_objectives",
        "confidentiality",
        "public_agreement",
        "organisations",
        "people",
        "file",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        browser_checks_size(self.fields["file"])
        self.fields["meeting"].queryset = _attached_to("meeting").objects.order_by("-starts_at")
        self.fields["agenda_item"].queryset = (
            _attached_to("agenda_item")
            .objects.select_related("meeting")
            .order_by("-meeting__starts_at", "position")
        )
        self.fields["agenda_item"].label_from_instance = lambda item: (
            f"{item.meeting.title}: {item.title}"
        )
        self.fields["working_group"].queryset = WorkingGroup.objects.order_by("name")
        self.fields["decision"].queryset = _attached_to("decision").objects.order_by("-created_at")


def upload_limit() -> str:
    from django.template.defaultfilters import filesizeformat

    return str(filesizeformat(settings.DOCUMENTS_MAX_UPLOAD_BYTES))


# The message of a file over the limit: its name and size, the limit, and what is kept.
TOO_LARGE = _(
    "The file “%(name)s” is about %(size)s, over the limit of %(limit)s; nothing was "
    "stored. Choose a smaller file: everything else is kept as you chose it."
)
TOO_LARGE_ALONE = _(
    "The file “%(name)s” is about %(size)s, over the limit of %(limit)s; nothing was stored."
)


def too_large_message(refused=None, *, form_kept: bool = True) -> str:
    """What a file over the limit is told; `refused` is documents.uploads.TooLarge (absent
    or nameless: only the limit is known)."""
    from django.template.defaultfilters import filesizeformat

    if refused is None or not refused.name:
        return _("The file is larger than the limit of %(limit)s; nothing was stored.") % {
            "limit": upload_limit()
        }
    return (TOO_LARGE if form_kept else TOO_LARGE_ALONE) % {
        "name": refused.name,
        "size": filesizeformat(refused.size),
        "limit": upload_limit(),
    }


def too_large_template(*, form_kept: bool = True) -> str:
    """The same message for the browser's check (static/js/upload.js), which fills in
    {name} and {size}."""
    message = TOO_LARGE if form_kept else TOO_LARGE_ALONE
    return message % {"name": "{name}", "size": "{size}", "limit": upload_limit()}


def size_units() -> str:
    """How the browser's check spells a size, as Django's filesizeformat does here."""
    import json

    from django.utils.translation import gettext

    return json.dumps({"KB": gettext("%s KB"), "MB": gettext("%s MB"), "GB": gettext("%s GB")})


def browser_checks_size(field: forms.Field, *, form_kept: bool = True) -> None:
    """The limit and the message for the browser's own check before anything is sent
    (static/js/upload.js); the server's check stays the one that counts."""
    field.widget.attrs.update(
        {
            "data-max-bytes": str(settings.DOCUMENTS_MAX_UPLOAD_BYTES),
            "data-too-large": too_large_template(form_kept=form_kept),
            "data-units": size_units(),
        }
    )


class VersionForm(forms.Form):
    file = forms.FileField(
        label=_("New version"), error_messages={"required": _("Choose a file to upload.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        browser_checks_size(self.fields["file"], form_kept=False)


class ConfidentialityForm(ConfidentialityFields):
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)


class CirculateForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DossierForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    call = forms.CharField(label=_("Call for proposals"), max_length=300)
    deadline = forms.DateField(
        label=_("Submission deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give a date, e.g. 2026-12-31.")},
    )
    required_items = forms.CharField(
        label=_("Required items"),
        max_length=5000,
        help_text=_("One per line, e.g. Concept note, Budget, Results framework."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class DossierAddForm(forms.Form):
    document = forms.ModelChoiceField(label=_("Document"), queryset=Document.objects.none())
    requirement = forms.ChoiceField(label=_("Answers the required item"), required=False)

    def __init__(self, *args, documents=None, required_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        if documents is not None:
            self.fields["document"].queryset = documents
        self.fields["requirement"].choices = [("", _("Supporting document"))] + [
            (item, item) for item in required_items
        ]
