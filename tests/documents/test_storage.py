"""Where the files of documents live: MEDIA_ROOT by default, an S3-compatible bucket when
S3_BUCKET is set. Either way every download goes through the portal after the right is
checked, and no file is left behind by an upload that did not happen.

The bucket is moto's in-process S3 behind an S3-compatible endpoint (as MinIO or Ceph would
be), reached by the real django-storages and boto3 code."""

from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.urls import reverse
from moto import mock_aws

from documents.models import Document, DocumentVersion
from documents.tasks import extract_text
from networks import services as network_services
from networks.models import Membership
from networks.scoping import network_scope
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
