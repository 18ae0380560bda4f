"""What the downloads share: the answer that saves a file (documents and
exports), CSV streamed row by row, and cells a spreadsheet will not run as
formulas."""

import csv
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import PurePath

from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


def download(content: bytes | str, filename: str) -> HttpResponse:
    """`content` saved as `filename`; the name's ending gives the type."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[PurePath(filename).suffix])
    _attach(response, filename)
    return response


def _attach(response: HttpResponseBase, filename: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a StreamingHttpResponse."""

    def write(self, value):
        return value


def csv_download(header: list[str], rows: Iterable[Iterable], filename: str) -> StreamingHttpResponse:
    """A CSV streamed in constant memory: each row is written as it is read."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type=CONTENT_TYPES[".csv"])
    _attach(response, filename)
    return response


def safe_cell(value) -> str:
    """A cell a spreadsheet would run as a formula is quoted; numbers lose trailing zeros."""
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
