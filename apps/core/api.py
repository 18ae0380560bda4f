"""What every API endpoint shares: pagination and one error shape."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.exceptions import Conflict, RateLimited


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Business-rule errors from services get the same shapes as DRF's own:
    a field map (400) for invalid input, {"detail": ...} (409) for a stale edit,
    {"detail": ...} with Retry-After (429) when over a limit."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=validation_error_detail(exc))
    if isinstance(exc, RateLimited):
        exc = Throttled(wait=exc.retry_after, detail=str(exc))
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def validation_error_detail(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}
