"""Replies that count: an Accept, Tentative or Decline from Outlook, Gmail or Apple Calendar
(METHOD:REPLY), read over IMAP from a real server started here on loopback (Debian's
dovecot-imapd), sets the person's answer with its time and comment; a reply from an address
that is not invited, to a cancelled or unknown meeting, or a malformed one, is recorded and
ignored with its reason, which the secretariat reads on the replies page. Reading twice
changes nothing; read messages move to the processed folder."""

from __future__ import annotations

import base64
import imaplib
import os
import pwd
import quopri
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import CalendarReply, Participant
from meetings.tasks import read_calendar_replies
from networks.scoping import network_scope, scopes_disabled
from tests.meetings.conftest import schedule

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "portal", "s3cret-replies"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def imap_server():
    """A dovecot of this test's own: a passwd-file user, maildirs in a temp dir, a free port
    (so tests may run in parallel processes). Yields (url, connect)."""
    assert os.path.exists(DOVECOT), (
        "dovecot-imapd is not installed: `make test` installs it (apt-get install dovecot-imapd)"
    )
    root = Path(tempfile.mkdtemp(prefix="portal-imap-"))
    root.chmod(0o755)
    port = _free_port()
    if os.getuid() == 0:
        # Dovecot never gives mail access as root: the mailboxes belong to its own user.
        mail_user, internal, login_user = "dovecot", "dovecot", "dovenull"
    else:
        mail_user = internal = login_user = pwd.getpwuid(os.getuid()).pw_name
    for folder in ("run", "state", "mail", "home"):
        (root / folder).mkdir()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    if os.getuid() == 0:
        shutil.chown(root / "mail", mail_user, mail_user)
        shutil.chown(root / "home", mail_user, mail_user)
    (root / "dovecot.conf").write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = portal-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal}
default_login_user = {login_user}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def connect() -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    deadline = time.monotonic() + 15
    while True:
        try:
            connect().logout()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"dovecot did not start: {output}")
            time.sleep(0.1)
    try:
        yield (
            f"imap://{USER}:{PASSWORD}@127.0.0.1:{port}/INBOX?processed=Processed-by-portal",
            connect,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if os.environ.get("KEEP_IMAP"):
            print(root)
        else:
            shutil.rmtree(root, ignore_errors=True)


# The three clients' answers, as each writes them ------------------------------------------


def _event(uid, attendee, partstat, *, prodid, extra_attendee="", comment=""):
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{prodid}",
        "VERSION:2.0",
        "METHOD:REPLY",
        "BEGIN:VEVENT",
        f"ATTENDEE;{extra_attendee}PARTSTAT={partstat};CN=A Person:mailto:{attendee}",
        "ORGANIZER;CN=Secretariat:mailto:secretariat@un-kg.test",
        f"UID:{uid}",
        "SEQUENCE:0",
        f"DTSTAMP:{stamp}",
        "DTSTART:20300714T040000Z",
        "DTEND:20300714T060000Z",
        "SUMMARY:Accepted: Q3 regular meeting",
    ]
    if comment:
        lines.append(f"COMMENT;LANGUAGE=en-US:{comment}")
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


def outlook_reply(uid, attendee, partstat="ACCEPTED", comment="", message_id=None):
    """Outlook/Exchange: multipart/alternative, the calendar part base64, the comment typed
    in the answer both in the body and as COMMENT."""
    calendar = _event(
        uid, attendee, partstat, prodid="Microsoft Exchange Server 2010", comment=comment
    )
    body = base64.encodebytes(calendar.encode()).decode()
    return (
        f"From: A Person <{attendee}>\r\n"
        "To: secretariat@un-kg.test\r\n"
        "Subject: Accepted: Q3 regular meeting\r\n"
        f"Message-ID: {message_id or f'<{uuid.uuid4().hex}@EXCH.outlook.test>'}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/alternative; boundary="_000_OUTLOOK_"\r\n\r\n'
        "--_000_OUTLOOK_\r\n"
        'Content-Type: text/plain; charset="us-ascii"\r\n\r\n'
        f"{comment}\r\n\r\n"
        "--_000_OUTLOOK_\r\n"
        'Content-Type: text/calendar; charset="utf-8"; method=REPLY\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{body}\r\n"
        "--_000_OUTLOOK_--\r\n"
    ).encode()


def gmail_reply(uid, attendee, partstat="TENTATIVE", comment=""):
    """Google Calendar: multipart/mixed with the calendar as an alternative and invite.ics
    (application/ics) attached; the comment as X-RESPONSE-COMMENT on the attendee."""
    extra = "CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
    if comment:
        extra += f'X-RESPONSE-COMMENT="{comment}";'
    calendar = _event(
        uid,
        attendee,
        partstat,
        prodid="-//Google Inc//Google Calendar 70.9054//EN",
        extra_attendee=extra + "X-NUM-GUESTS=0;",
    )
    encoded = base64.encodebytes(calendar.encode()).decode()
    return (
        f"From: A Person <{attendee}>\r\n"
        "To: secretariat@un-kg.test\r\n"
        "Subject: Tentatively Accepted: Q3 regular meeting\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@google.com>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="000000mixed"\r\n\r\n'
        "--000000mixed\r\n"
        'Content-Type: multipart/alternative; boundary="000000alt"\r\n\r\n'
        "--000000alt\r\n"
        'Content-Type: text/plain; charset="UTF-8"\r\n\r\n'
        "A Person has tentatively accepted this invitation.\r\n\r\n"
        "Invitation from Google Calendar\r\n\r\n"
        "--000000alt\r\n"
        'Content-Type: text/calendar; charset="UTF-8"; method=REPLY\r\n'
        "Content-Transfer-Encoding: 7bit\r\n\r\n"
        f"{calendar}\r\n"
        "--000000alt--\r\n"
        "--000000mixed\r\n"
        'Content-Type: application/ics; name="invite.ics"\r\n'
        'Content-Disposition: attachment; filename="invite.ics"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{encoded}\r\n"
        "--000000mixed--\r\n"
    ).encode()


def apple_reply(uid, attendee, partstat="DECLINED", comment=""):
    """Apple Calendar: multipart/mixed, a short text and the calendar attached as
    iCal-….ics, quoted-printable, with the attendee's EMAIL parameter and COMMENT."""
    calendar = _event(
        uid,
        attendee,
        partstat,
        prodid="-//Apple Inc.//macOS 14.4//EN",
        extra_attendee=f"CUTYPE=INDIVIDUAL;EMAIL={attendee};",
        comment=comment,
    )
    encoded = quopri.encodestring(calendar.encode()).decode()
    return (
        f"From: A Person <{attendee}>\r\n"
        "To: secretariat@un-kg.test\r\n"
        "Subject: Invitation: Q3 regular meeting (Declined)\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@icloud.com>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="Apple-Mail=_ABC"\r\n\r\n'
        "--Apple-Mail=_ABC\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        "A Person has declined your invitation.\r\n\r\n"
        "--Apple-Mail=_ABC\r\n"
        'Content-Type: text/calendar; method=REPLY; name="iCal-20300714-040000.ics"\r\n'
        'Content-Disposition: attachment; filename="iCal-20300714-040000.ics"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        f"{encoded}\r\n"
        "--Apple-Mail=_ABC--\r\n"
    ).encode()


def deliver(connect, *messages: bytes) -> None:
    client = connect()
    for message in messages:
        status, _ = client.append("INBOX", None, None, message)
        assert status == "OK"
    client.logout()


def folder_count(connect, folder: str) -> int:
    client = connect()
    status, data = client.select(f'"{folder}"', readonly=True)
    client.logout()
    return int(data[0]) if status == "OK" else 0


def participant(net, meeting, user) -> Participant:
    with network_scope(net.network):
        return Participant.objects.get(meeting=meeting, user=user)


def uid_of(meeting) -> str:
    return f"{meeting.uid}@network-portal.local"


def test_the_three_clients_answers_count_and_reading_twice_changes_nothing(
    kyrgyzstan, imap_server, settings
):
    url, connect = imap_server
    settings.IMAP_URL = url
    meeting = schedule(kyrgyzstan)
    deliver(
        connect,
        outlook_reply(uid_of(meeting), kyrgyzstan.member.email, "ACCEPTED", "I'll be there"),
        gmail_reply(
            uid_of(meeting), kyrgyzstan.member_unhcr.email.upper(), "TENTATIVE", "If my flight"
        ),
        apple_reply(uid_of(meeting), kyrgyzstan.co_chair.email, "DECLINED", "On mission"),
    )
    assert read_calendar_replies() == 3

    member = participant(kyrgyzstan, meeting, kyrgyzstan.member)
    assert (member.answer, member.answer_comment) == ("accepted", "I'll be there")
    assert member.answered_at is not None
    unhcr = participant(kyrgyzstan, meeting, kyrgyzstan.member_unhcr)
    assert (unhcr.answer, unhcr.answer_comment) == ("tentative", "If my flight")
    chair = participant(kyrgyzstan, meeting, kyrgyzstan.co_chair)
    assert (chair.answer, chair.answer_comment) == ("declined", "On mission")
    with network_scope(kyrgyzstan.network):
        clients = set(CalendarReply.objects.values_list("client", "outcome"))
    assert {client for client, _o in clients} == {
        "Microsoft Exchange Server 2010",
        "-//Google Inc//Google Calendar 70.9054//EN",
        "-//Apple Inc.//macOS 14.4//EN",
    }
    assert {outcome for _c, outcome in clients} == {"applied"}
    assert folder_count(connect, "INBOX") == 0
    assert folder_count(connect, "Processed-by-portal") == 3

    # Twice: nothing new; the same message again (say, a copy put back) is not applied again.
    assert read_calendar_replies() == 0
    repeat = outlook_reply(
        uid_of(meeting), kyrgyzstan.member.email, "DECLINED", message_id="<same@outlook.test>"
    )
    deliver(connect, repeat, repeat)
    assert read_calendar_replies() == 1
    with network_scope(kyrgyzstan.network):
        assert CalendarReply.objects.count() == 4
    assert folder_count(connect, "INBOX") == 0


def test_replies_that_do_not_count_are_recorded_with_their_reason(
    kyrgyzstan, mongolia, imap_server, settings, login
):
    url, connect = imap_server
    settings.IMAP_URL = url
    meeting = schedule(kyrgyzstan, title="Q3 regular meeting")
    cancelled = schedule(kyrgyzstan, title="Cancelled meeting")
    with network_scope(kyrgyzstan.network):
        services.meeting_cancel(meeting=cancelled, by=kyrgyzstan.secretariat, reason="Floods")
    deliver(
        connect,
        outlook_reply(uid_of(meeting), "stranger@example.org"),
        gmail_reply(uid_of(cancelled), kyrgyzstan.member.email, "ACCEPTED"),
        apple_reply(f"{uuid.uuid4()}@network-portal.local", kyrgyzstan.member.email),
        outlook_reply(uid_of(meeting), mongolia.member.email),  # invited elsewhere only
        b"From: x@example.org\r\nMessage-ID: <broken@x>\r\nContent-Type: text/calendar;"
        b" method=REPLY\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n",
        b"From: someone@example.org\r\nSubject: Out of office\r\n\r\nI am away.\r\n",
    )
    assert read_calendar_replies() == 6  # recorded, never an error
    with network_scope(kyrgyzstan.network):
        reasons = dict(
            CalendarReply.objects.values_list("attendee", "reason").order_by("received_at")
        )
        mine = list(CalendarReply.objects.values_list("reason", flat=True))
        assert participant(kyrgyzstan, cancelled, kyrgyzstan.member).answer == "pending"
    assert reasons["stranger@example.org"] == "not_invited"
    assert reasons[mongolia.member.email] == "not_invited"
    assert sorted(mine) == ["cancelled", "not_invited", "not_invited"]
    with scopes_disabled():
        elsewhere = sorted(
            CalendarReply.objects.filter(network=None).values_list("reason", flat=True)
        )
    assert elsewhere == ["malformed", "not_a_reply", "unknown_meeting"]
    assert folder_count(connect, "INBOX") == 0

    page = login(kyrgyzstan.secretariat).get(
        reverse("meetings:replies", kwargs={"network": "kyrgyzstan"})
    )
    html = page.content.decode()
    assert "stranger@example.org" in html
    assert "The address is not invited to this meeting" in html
    assert "The meeting is cancelled" in html
    assert "No such meeting" not in html  # shown to no network
    assert login(kyrgyzstan.member).get(page.request["PATH_INFO"]).status_code == 403


def test_the_participants_table_shows_the_calendar_answer(kyrgyzstan, imap_server, settings, login):
    url, connect = imap_server
    settings.IMAP_URL = url
    meeting = schedule(kyrgyzstan)
    deliver(connect, outlook_reply(uid_of(meeting), kyrgyzstan.member.email, comment="Gladly"))
    read_calendar_replies()
    html = (
        login(kyrgyzstan.secretariat)
        .get(reverse("meetings:detail", kwargs={"network": "kyrgyzstan", "meeting_id": meeting.pk}))
        .content.decode()
    )
    assert "“Gladly”" in html


def test_without_imap_url_nothing_is_read(settings):
    settings.IMAP_URL = ""
    assert read_calendar_replies() == 0


def test_the_replies_page_costs_a_fixed_number_of_queries(
    kyrgyzstan, login, django_assert_num_queries
):
    from meetings.replies import record

    meeting = schedule(kyrgyzstan)
    client = login(kyrgyzstan.secretariat)
    page = reverse("meetings:replies", kwargs={"network": "kyrgyzstan"})
    record(outlook_reply(uid_of(meeting), "stranger@example.org"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(page)
    with CaptureQueriesContext(connection) as one:
        client.get(page)
    for _ in range(5):
        record(outlook_reply(uid_of(meeting), "stranger@example.org"))
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(page).status_code == 200
