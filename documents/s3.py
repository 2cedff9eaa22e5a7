"""The S3-compatible storage of uploaded documents (S3_BUCKET, portal/settings/base.py).
Imported only when it is configured: it needs the `s3` extra (django-storages, boto3)."""

from __future__ import annotations

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PrivateS3Storage(S3Storage):
    """django-storages' S3 storage that never makes a URL for a file — not a public one, not a
    presigned one. The portal reads each file itself after checking the person's right, and
    streams it to them (documents.views.file_response); a URL would outlive that check."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "default_acl": "private",
            # Even if something asked for a URL it would carry no signature to hand out.
            "querystring_auth": False,
            # Names are random; never overwrite one that exists all the same.
            "file_overwrite": False,
            # Reading a whole file (text extraction) spills to disk past this size.
            "max_memory_size": 4 * 1024 * 1024,
        }

    def url(self, name, *args, **kwargs):
        raise ValueError("Document files have no URL: they are downloaded through the portal.")

    def stream(self, name: str):
        """The object's body as it arrives from the bucket, read in blocks by the response:
        never held whole in memory or on disk. FileNotFoundError when there is no such
        object."""
        key = self._normalize_name(clean_name(name))
        try:
            return self.bucket.Object(key).get()["Body"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(f"File does not exist: {name}") from error
            raise
