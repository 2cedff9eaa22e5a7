"""The upload form guides: an upload over the limit keeps everything typed and says why at
the file; people, organisations and objectives are ticked in filterable lists, not
Ctrl-clicked; the category and "Back" follow where the upload started; and the document's
pages name things as people do (the language's name, the title first, the fingerprint
folded away)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from documents import services
from documents.models import Document
from networks.scoping import network_scope
from tests.documents.files import pdf, upload

UPLOAD = reverse("documents:upload", kwargs={"network": "kyrgyzstan"})


class FormState(HTMLParser):
    """The fields of the page's upload form in document order (what a browser sends, in that
    order), and what each holds now: chosen options, ticked boxes, typed text."""

    def __init__(self):
        super().__init__()
        self.order: list[str] = []
        self.values: dict[str, list[str]] = {}
        self.file_attrs: dict[str, str] = {}
        self._select = self._textarea = None
        self._in_form = False

    def _field(self, name):
        if name and name not in self.order:
            self.order.append(name)
            self.values.setdefault(name, [])

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form" and a.get("enctype") == "multipart/form-data":
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input":
            self._field(name)
            kind = a.get("type", "text")
            if kind == "file":
                self.file_attrs = a
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name].append(a.get("value", "on"))
            elif kind not in ("submit", "button", "search") and a.get("value"):
                self.values[name].append(a["value"])
        elif tag == "select":
            self._field(name)
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select].append(a.get("value", ""))
        elif tag == "textarea":
            self._field(name)
            self._textarea = name

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data):
        if self._textarea and data.strip():
            self.values[self._textarea].append(data.strip())


def form_state(html: str) -> FormState:
    parser = FormState()
    parser.feed(html)
    return parser


def as_the_browser_sends(state: FormState, chosen: dict) -> dict:
    """The form's fields in the order of the page, each with what was chosen (a browser sends
    a multipart body in that order, and the test client keeps a dict's order)."""
    return {name: chosen[name] for name in state.order if name in chosen}


@pytest.fixture
def agenda(kyrgyzstan):
    from tests.meetings.conftest import add_items, schedule

    meeting = schedule(kyrgyzstan, title="Q3 regular meeting")
    [item] = add_items(kyrgyzstan, meeting, "Labour migration study")
    return meeting, item


def test_an_upload_over_the_limit_keeps_what_was_typed_and_says_why_at_the_file(
    kyrgyzstan, login, settings, agenda
):
    meeting, item = agenda
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 100_000
    client = login(kyrgyzstan.secretariat)
    state = form_state(client.get(UPLOAD).content.decode())
    undp = kyrgyzstan.organisations["UNDP"]
    chosen = {
        "title": "Budget note",
        "category": "study",
        "language": "ru",
        "description": "For the working group.",
        "file": upload("budget-note.pdf", pdf() + b"%" + b"x" * 300_000 + b"\n%%EOF\n"),
        "meeting": str(meeting.pk),
        "agenda_item": str(item.pk),
        "confidentiality": "restricted",
        "organisations": [str(undp.pk)],
        "public_agreement": "",
    }
    response = client.post(UPLOAD, as_the_browser_sends(state, chosen))

    assert response.status_code == 400
    html = response.content.decode()
    after = form_state(html)
    for name in ("title", "category", "language", "meeting", "agenda_item", "confidentiality"):
        assert after.values[name] == [chosen[name]], name
    assert after.values["description"] == ["For the working group."]
    assert after.values["organisations"] == [str(undp.pk)]
    # The one error is at the file, with the file's size and the limit.
    errors = [line for line in html.splitlines() if 'class="error"' in line]
    assert len(errors) == 1 and 'id="id_file_error"' in errors[0], errors
    assert "budget-note.pdf" in errors[0] and "97.7\xa0KB" in errors[0]
    size = re.search(r"about ([\d.]+)\xa0KB", errors[0])
    assert size and 293 <= float(size.group(1)) <= 300, errors[0]
    with network_scope(kyrgyzstan.network):
        assert not Document.objects.exists()


def test_the_file_input_carries_the_limit_for_the_browser_check(kyrgyzstan, login, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    html = login(kyrgyzstan.secretariat).get(UPLOAD).content.decode()
    state = form_state(html)
    assert state.file_attrs["data-max-bytes"] == str(5 * 1024 * 1024)
    assert "5.0" in state.file_attrs["data-too-large"]
    assert 'src="/static/js/upload.js"' in html
    # The file comes last: whatever a cut-off body loses, it is never another field.
    assert state.order[-1] == "file"


def test_the_browser_script_reads_the_limit_and_stops_the_submit():
    script = Path(__file__).resolve().parents[2] / "static" / "js" / "upload.js"
    text = script.read_text()
    assert "data-max-bytes" in text or "maxBytes" in text
    assert "preventDefault" in text and "aria-invalid" in text


def test_people_organisations_and_objectives_are_ticked_in_filterable_lists(kyrgyzstan, login):
    html = login(kyrgyzstan.secretariat).get(UPLOAD).content.decode()
    for name, legend in (
        ("organisations", "Organisations that may open it"),
        ("people", "People who may open it"),
        ("gcm_objectives", "GCM objectives"),
    ):
        assert f'<select name="{name}"' not in html, name
        assert f'type="checkbox" name="{name}"' in html, name
        assert f"<legend>{legend}</legend>" in html, name
    assert html.count("data-picker") >= 3
    assert 'src="/static/js/picker.js"' in html
    script = Path(__file__).resolve().parents[2] / "static" / "js" / "picker.js"
    assert "data-picker" in script.read_text()


def test_a_restricted_document_is_uploaded_with_ticked_organisations(kyrgyzstan, login):
    undp = kyrgyzstan.organisations["UNDP"]
    response = login(kyrgyzstan.secretariat).post(
        UPLOAD,
        {
            "title": "Budget note",
            "category": "study",
            "language": "en",
            "confidentiality": "restricted",
            "organisations": [str(undp.pk)],
            "file": upload("budget-note.pdf", pdf()),
        },
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        document = Document.objects.get()
        assert list(document.access.values_list("organisation_id", flat=True)) == [undp.pk]


def chosen_category(html: str) -> list[str]:
    return form_state(html).values["category"]


def test_the_category_follows_where_the_upload_started(kyrgyzstan, login, agenda):
    meeting, item = agenda
    client = login(kyrgyzstan.secretariat)
    assert chosen_category(client.get(UPLOAD).content.decode()) == ["other"]
    from_meeting = client.get(f"{UPLOAD}?meeting={meeting.pk}").content.decode()
    assert chosen_category(from_meeting) == ["agenda"]
    from_item = client.get(f"{UPLOAD}?meeting={meeting.pk}&agenda_item={item.pk}").content
    assert chosen_category(from_item.decode()) == ["agenda"]
    assert chosen_category(client.get(f"{UPLOAD}?category=proposal").content.decode()) == [
        "proposal"
    ]
    assert chosen_category(client.get(f"{UPLOAD}?category=nonsense").content.decode()) == ["other"]


def test_a_dossier_offers_an_upload_in_its_category_and_back_to_it(kyrgyzstan, login):
    with network_scope(kyrgyzstan.network):
        dossier = services.dossier_create(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="MPTF proposal",
            call="Migration MPTF 2026",
            deadline=None,
            required_items=["Concept note"],
        )
    client = login(kyrgyzstan.secretariat)
    dossier_url = reverse(
        "documents:dossier", kwargs={"network": "kyrgyzstan", "dossier_id": dossier.pk}
    )
    page = client.get(dossier_url).content.decode()
    link = f"{UPLOAD}?category=proposal&amp;next={dossier_url}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert chosen_category(form) == ["proposal"]
    assert f'<a href="{dossier_url}">Back</a>' in form


def test_back_returns_to_where_the_upload_started_and_never_elsewhere(kyrgyzstan, login, agenda):
    meeting, _item = agenda
    client = login(kyrgyzstan.secretariat)
    library = reverse("documents:library", kwargs={"network": "kyrgyzstan"})
    meeting_url = reverse(
        "meetings:detail", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk}
    )

    def back(query):
        html = client.get(f"{UPLOAD}{query}").content.decode()
        return html.split(">Back</a>")[0].rsplit('<a href="', 1)[1].rstrip('"')

    assert back("") == library
    assert back(f"?meeting={meeting.pk}") == meeting_url
    assert back(f"?next={meeting_url}") == meeting_url
    for unsafe in (
        "https://evil.test/n/kyrgyzstan/",
        "//evil.test/n/kyrgyzstan/",
        "/n/mongolia/documents/",
        "/accounts/logout/",
        "/n/kyrgyzstan/../mongolia/",
        "javascript:alert(1)",
    ):
        assert back(f"?next={unsafe}") == library, unsafe


def test_a_new_version_is_checked_in_the_browser_too(kyrgyzstan, login, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
    with network_scope(kyrgyzstan.network):
        document = services.document_upload(
            network=kyrgyzstan.network,
            by=kyrgyzstan.secretariat,
            title="Budget note",
            file=upload("budget-note.pdf", pdf()),
            category="study",
        )
    url = reverse("documents:detail", kwargs={"network": "kyrgyzstan", "document_id": document.pk})
    html = login(kyrgyzstan.secretariat).get(url).content.decode()
    assert f'data-max-bytes="{5 * 1024 * 1024}"' in html and 'id="id_file_check"' in html
    assert 'src="/static/js/upload.js"' in html
