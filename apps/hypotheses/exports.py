"""What the CSV exports share: a writer that streams, and cells a
spreadsheet will not run as formulas."""

from decimal import Decimal


class Echo:
    """A file-like object whose write returns the line, for csv.writer in a StreamingHttpResponse."""

    def write(self, value):
        return value


def safe_cell(value) -> str:
    """A cell a spreadsheet would run as a formula is quoted; numbers lose trailing zeros."""
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
