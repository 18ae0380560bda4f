"""What may be uploaded to a request: the portal's one upload rule
(apps.core.uploads), up to the requests app's configurable size."""

from apps.core.uploads import SNIFF_BYTES, TYPES, FileType, allowed_extensions
from apps.core.uploads import accepted_type as _accepted_type
from apps.requests import conf

__all__ = ["SNIFF_BYTES", "TYPES", "FileType", "accepted_type", "allowed_extensions"]


def accepted_type(upload) -> tuple[str, FileType]:
    """The upload's extension and type, or a ValidationError saying what is wrong."""
    return _accepted_type(upload, max_bytes=conf.ATTACHMENT_MAX_BYTES)
