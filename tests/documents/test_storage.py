"""Where the files of documents live: MEDIA_ROOT by default, an S3-compatible bucket when
S3_BUCKET is set. Either way every download goes through the portal after the right is
checked, and no file is left behind by an upload that did not happen.

The bucket is moto's in-process S3 behind an S3-compatible endpoint (as MinIO or Ceph would
be), reached by the real django-storages and boto3 code."""

import os
import time
import uuid
from datetime import timedelta
from io import StringIO
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from kombu.exceptions import OperationalError
from moto import mock_aws

from documents import services
from documents.models import Document, DocumentVersion
from documents.tasks import extract_text, sweep_orphan_files
from networks import services as network_services
from networks.models import Membership
from networks.scoping import network_scope
from portal.celery import app
from portal.settings.base import document_storage
from tests.documents.files import pdf, upload
from tests.documents.test_library import LIBRARY, UPLOAD, detail, download, form, make
from tests.documents.test_search import docx_with

ENDPOINT = "http://objects.portal.test:9000"
BUCKET = "kgz-portal-documents"
S3_ENVIRONMENT = {
    "S3_BUCKET": BUCKET,
    "S3_ENDPOINT_URL": ENDPOINT,
    "S3_REGION": "eu-central-1",
    "S3_ADDRESSING_STYLE": "path",
    "S3_ACCESS_KEY_ID": "portal",
    "S3_SECRET_ACCESS_KEY": "portal-secret",
}
# What would give a file away: the bucket's address, its name, a signed query.
GIVEAWAYS = ("objects.portal.test", BUCKET, "X-Amz-", "Signature=", "AWSAccessKeyId")


class Bucket:
    def __init__(self, client):
        self.client = client

    def names(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=BUCKET)
        return {entry["Key"] for entry in listing.get("Contents", [])}


class Folder:
    def __init__(self, root):
        self.root = Path(root)

    def names(self) -> set[str]:
        return {p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()}


@pytest.fixture
def bucket(settings, monkeypatch):
    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", ENDPOINT)
    with mock_aws():
        client = boto3.client(
            "s3",
            endpoint_url=ENDPOINT,
            region_name="eu-central-1",
            aws_access_key_id="portal",
            aws_secret_access_key="portal-secret",
            config=Config(s3={"addressing_style": "path"}),
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        settings.STORAGES = {**settings.STORAGES, "default": document_storage(S3_ENVIRONMENT)}
        yield Bucket(client)


@pytest.fixture
def folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Folder(settings.MEDIA_ROOT)


@pytest.fixture(params=["folder", "bucket"])
def stored(request):
    """The files in storage, on the filesystem and in a bucket in turn."""
    return request.getfixturevalue(request.param)


def assert_gives_nothing_away(response):
    text = " ".join(f"{key}: {value}" for key, value in response.headers.items())
    if not response.streaming:
        text += response.content.decode()
    for giveaway in GIVEAWAYS:
        assert giveaway not in text
    assert "Location" not in response.headers and "X-Accel-Redirect" not in response.headers


def test_with_a_bucket_a_document_is_uploaded_versioned_read_and_downloaded_through_the_portal(
    kyrgyzstan, login, bucket, settings
):
    # docker-compose sets this for nginx; it means nothing to files in a bucket.
    settings.DOCUMENTS_X_ACCEL_PREFIX = "/protected-media/"
    on_disk = Folder(settings.MEDIA_ROOT).names()
    study, notes = pdf("Remittances study"), docx_with("Remittance corridors Bishkek Moscow")
    secretariat = login(kyrgyzstan.secretariat)
    response = secretariat.post(
        UPLOAD, {**form(title="Remittances study"), "file": upload("study.pdf", study)}
    )
    assert response.status_code == 302
    with network_scope(kyrgyzstan.network):
        document = Document.objects.get()
    secretariat.post(
        reverse(
            "documents:version-add", kwargs={"network": "kyrgyzstan", "document_id": document.pk}
        ),
        {"file": upload("notes.docx", notes)},
    )
    with network_scope(kyrgyzstan.network):
        first, second = DocumentVersion.objects.filter(document=document).order_by("number")
    # The files are in the bucket, under their random names, private; none on the disk.
    assert bucket.names() == {first.file.name, second.file.name}
    assert Folder(settings.MEDIA_ROOT).names() == on_disk
    for version in (first, second):
        grants = bucket.client.get_object_acl(Bucket=BUCKET, Key=version.file.name)["Grants"]
        assert not [grant for grant in grants if "URI" in grant["Grantee"]]  # no AllUsers
        with pytest.raises(ValueError):
            version.file.url  # noqa: B018 — no URL, signed or not, can be made

    # The worker reads the text from the bucket; the document is found by it.
    assert extract_text.apply(args=[second.pk]).get() == "indexed"
    member = login(kyrgyzstan.member)
    found = member.get(LIBRARY, {"q": "corridors"})
    assert "Remittances study" in found.content.decode()
    for page in (found, member.get(LIBRARY), member.get(detail(document))):
        assert_gives_nothing_away(page)

    # Both versions come through the portal's view, streamed from the bucket.
    for number, data, disposition in ((1, study, "inline"), (2, notes, "attachment")):
        response = member.get(download(document, number))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == data
        assert response["Content-Length"] == str(len(data))
        assert response["Content-Disposition"].startswith(disposition)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert response["Cache-Control"] == "private, no-store"
        assert_gives_nothing_away(response)

    # The right is checked at each download: a member whose role ended gets 404.
    with network_scope(kyrgyzstan.network):
        membership = Membership.objects.get(user=kyrgyzstan.member)
    network_services.membership_end(membership=membership, ended_by=kyrgyzstan.secretariat)
    assert member.get(download(document, 2)).status_code == 404
    assert login(kyrgyzstan.partner).get(download(document, 1)).status_code == 404


def test_a_file_missing_from_the_bucket_is_a_404_not_an_error(kyrgyzstan, login, bucket):
    document = make(kyrgyzstan)
    with network_scope(kyrgyzstan.network):
        version = DocumentVersion.objects.get(document=document)
    bucket.client.delete_object(Bucket=BUCKET, Key=version.file.name)
    assert login(kyrgyzstan.member).get(download(document)).status_code == 404


def test_an_upload_that_fails_after_its_file_was_written_leaves_no_file(
    kyrgyzstan, stored, monkeypatch
):
    document = make(kyrgyzstan, title="Study")
    kept = stored.names()
    seen_at_failure = []

    def database_gone(document_id):
        seen_at_failure.append(stored.names() - kept)
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr("documents.tasks.refresh_search_vector", database_gone)
    with pytest.raises(DatabaseError):
        make(kyrgyzstan, title="Second study")
    with network_scope(kyrgyzstan.network), pytest.raises(DatabaseError):
        services.version_add(
            document=document, by=kyrgyzstan.secretariat, file=upload("v2.pdf", pdf())
        )
    # Each file was written before the failure, and is gone after it, with its rows.
    assert [len(new) for new in seen_at_failure] == [1, 1]
    assert stored.names() == kept
    with network_scope(kyrgyzstan.network):
        assert list(Document.objects.values_list("title", flat=True)) == ["Study"]
        assert DocumentVersion.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_after_the_commit_does_not_take_the_file_of_a_stored_version(
    kyrgyzstan, folder, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    # Enqueuing the text extraction runs once the upload has committed.
    monkeypatch.setattr("documents.tasks.extract_text.delay", broker_down)
    make(kyrgyzstan, title="Study")  # saved: the broker's error is logged, not raised
    with network_scope(kyrgyzstan.network):
        version = DocumentVersion.objects.get(document__title="Study")
    assert folder.names() == {version.file.name}
    assert version.text_read_at is None  # the sweep reads it once the broker is back


def test_the_sweep_removes_old_unreferenced_files_and_keeps_referenced_and_new_ones(
    kyrgyzstan, stored, login
):
    document = make(kyrgyzstan, title="Study")
    with network_scope(kyrgyzstan.network):
        referenced = DocumentVersion.objects.get(document=document).file.name
    # The caller's transaction rolls back after the upload succeeded: the service cannot see
    # that, and its file stays behind until the sweep.
    with pytest.raises(RuntimeError), transaction.atomic():
        make(kyrgyzstan, title="Rolled back")
        raise RuntimeError("the caller gave up")
    [orphan] = stored.names() - {referenced}
    time.sleep(2.2)  # a bucket dates objects to the second
    storage = DocumentVersion._meta.get_field("file").storage
    # A file written just now, whose upload may not have committed yet.
    young = storage.save(f"documents/{kyrgyzstan.network.pk}/{uuid.uuid4().hex}", ContentFile(b"x"))
    grace = timedelta(seconds=1.5)

    assert services.orphan_files_remove(older_than=grace, dry_run=True) == [orphan]
    assert stored.names() == {referenced, orphan, young}
    assert services.orphan_files_remove(older_than=grace) == [orphan]
    assert stored.names() == {referenced, young}
    assert services.orphan_files_remove(older_than=grace) == []  # twice is harmless
    response = login(kyrgyzstan.member).get(download(document))
    assert b"".join(response.streaming_content) == pdf("Study")


def test_operators_and_beat_sweep_with_a_grace_period(kyrgyzstan, folder, settings):
    make(kyrgyzstan)
    [referenced] = folder.names()
    storage = DocumentVersion._meta.get_field("file").storage
    old = storage.save(f"documents/{kyrgyzstan.network.pk}/{uuid.uuid4().hex}", ContentFile(b"x"))
    yesterday = time.time() - 30 * 3600
    os.utime(folder.root / old, (yesterday, yesterday))
    os.utime(folder.root / referenced, (yesterday, yesterday))
    recent = storage.save(
        f"documents/{kyrgyzstan.network.pk}/{uuid.uuid4().hex}", ContentFile(b"x")
    )

    with pytest.raises(CommandError, match="at least 1"):
        call_command("sweep_document_files", "--grace-hours", "0")
    out = StringIO()
    call_command("sweep_document_files", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [old, "1 unreferenced file(s) would be removed."]
    assert folder.names() == {referenced, old, recent}

    [entry] = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "documents.tasks.sweep_orphan_files"
    ]
    assert entry["task"] in app.tasks
    assert sweep_orphan_files.apply().get() == 1
    assert folder.names() == {referenced, recent}
    out = StringIO()
    call_command("sweep_document_files", stdout=out)
    assert out.getvalue().splitlines() == ["0 unreferenced file(s) removed."]
