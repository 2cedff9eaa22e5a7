"""A zip someone uploaded is read member by member within a cap, whatever its headers say;
only the members asked for are kept."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from common import archives


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_every_member_is_counted_and_only_those_asked_for_are_kept():
    data = zipped({"mimetype": b"application/x", "content.xml": b"<a/>" * 100})
    archive = archives.open_archive(data, keep={"mimetype"})
    assert archive.names == ["mimetype", "content.xml"]
    assert archive.kept == {"mimetype": b"application/x"}
    assert archive.inflated == len(b"application/x") + 400


def test_an_archive_that_inflates_past_its_cap_is_refused_with_the_limit():
    data = zipped({"sheet.xml": b"\0" * (2 * 1024 * 1024)})
    with pytest.raises(archives.TooLarge):
        archives.read_archive(data, max_bytes=1024 * 1024)
    with pytest.raises(ValidationError, match="more than 1 MB"):
        archives.open_archive(data, max_bytes=1024 * 1024)


def test_a_damaged_archive_is_a_clear_message():
    data = zipped({"a.xml": b"x" * 1000})
    with pytest.raises(ValidationError, match="damaged"):
        archives.open_archive(data[:40] + b"\xff" * 20 + data[60:])
    with pytest.raises(ValidationError, match="damaged"):
        archives.open_archive(b"PK\x03\x04 not a zip")
