"""Reading the files of documents from whichever storage holds them: MEDIA_ROOT by default,
an S3-compatible bucket when configured (documents.s3). No file ever has a URL."""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage

try:
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # without the s3 extra, only the filesystem can fail
    STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError,)
else:
    STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)


def is_filesystem(storage) -> bool:
    """Whether files are on a disk nginx can read (X-Accel-Redirect makes sense only then)."""
    return isinstance(storage, FileSystemStorage)


def open_stream(file):
    """A readable, closable stream of a stored file, for a response to pass on in blocks.
    FileNotFoundError when the file is not there."""
    stream = getattr(file.storage, "stream", None)
    if stream is not None:
        return stream(file.name)
    return file.storage.open(file.name, "rb")
