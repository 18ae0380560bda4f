"""Uploaded files, one rule for every app that takes them (request and item
attachments): a few document types, recognised by their extension AND their
content, up to a size the app chooses; stored under a random name (what
people uploaded never becomes a path) and served only through a view that
asked the app's access functions first (`download`)."""

import codecs
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat

SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    signature: bytes = b""


TYPES: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", b"%PDF-"),
    ".png": FileType("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": FileType("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": FileType("image/jpeg", b"\xff\xd8\xff"),
    ".csv": FileType("text/csv"),
    ".txt": FileType("text/plain"),
    ".xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
}


def allowed_extensions() -> str:
    return ", ".join(sorted(ext.lstrip(".") for ext in TYPES))


def accepted_type(upload, *, max_bytes: int, field: str = "attachments") -> tuple[str, FileType]:
    """The upload's extension and type, or a ValidationError (on `field`) saying what is wrong."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    file_type = TYPES.get(extension)
    if file_type is None:
        raise ValidationError({field: f"“{name}” is not an accepted type; upload one of: {allowed_extensions()}."})
    if upload.size > max_bytes:
        raise ValidationError(
            {
                field: f"“{name}” is {filesizeformat(upload.size)}; "
                f"attachments may be at most {filesizeformat(max_bytes)}."
            }
        )
    if upload.size == 0:
        raise ValidationError({field: f"“{name}” is empty."})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not _content_matches(extension, file_type, head, upload):
        raise ValidationError(
            {field: f"“{name}” does not look like a {extension.lstrip('.')} file; it was not attached."}
        )
    return extension, file_type


def download(file, *, filename: str, content_type: str) -> FileResponse:
    """The file as an attachment the browser saves (never renders), not cached by proxies."""
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _content_matches(extension: str, file_type: FileType, head: bytes, upload) -> bool:
    if file_type.content_type.startswith("text/"):
        return _is_utf8_text(head, whole_file=upload.size <= len(head))
    if not head.startswith(file_type.signature):
        return False
    if extension == ".xlsx":
        return _is_workbook(upload)
    return True


def _is_utf8_text(head: bytes, *, whole_file: bool) -> bool:
    if b"\x00" in head:
        return False
    try:
        # Incremental, so a multi-byte character cut at the sniffing boundary is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=whole_file)
    except UnicodeDecodeError:
        return False
    return True


def _is_workbook(upload) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Files are written to storage before the transaction commits: if the
    change fails after that (a later file or row refused, a database error),
    the rows roll back and the names the caller appended to the yielded list
    are deleted, so no upload of a failed change stays on disk."""
    written: list[str] = []
    try:
        yield written
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise


def store(attachment, upload, extension: str, file_type: FileType, actor, written: list[str]):
    """Fill the fields every attachment row shares (random token, the name people
    gave it, type, size, uploader) from an accepted upload, write the file under
    its random name and add that name to `written` (files_removed_on_failure).
    The caller saves the row."""
    attachment.token = uuid.uuid4()
    attachment.original_name = upload.name[-200:]
    attachment.extension = extension
    attachment.content_type = file_type.content_type
    attachment.size = upload.size
    attachment.uploaded_by = actor
    attachment.file.save(upload.name, upload, save=False)
    written.append(attachment.file.name)
    return attachment
