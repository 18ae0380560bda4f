"""What may be uploaded to a request: a few document types, recognised by
their extension AND their content, up to a configurable size."""

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from apps.requests import conf

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


def accepted_type(upload) -> tuple[str, FileType]:
    """The upload's extension and type, or a ValidationError saying what is wrong."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    file_type = TYPES.get(extension)
    if file_type is None:
        raise ValidationError(
            {"attachments": f"“{name}” is not an accepted type; upload one of: {allowed_extensions()}."}
        )
    if upload.size > conf.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "attachments": f"“{name}” is {filesizeformat(upload.size)}; "
                f"attachments may be at most {filesizeformat(conf.ATTACHMENT_MAX_BYTES)}."
            }
        )
    if upload.size == 0:
        raise ValidationError({"attachments": f"“{name}” is empty."})
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not _content_matches(extension, file_type, head, upload):
        raise ValidationError(
            {"attachments": f"“{name}” does not look like a {extension.lstrip('.')} file; it was not attached."}
        )
    return extension, file_type


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
