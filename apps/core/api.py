"""What every API endpoint shares: pagination and one error shape."""

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.exceptions import Conflict, RateLimited
from apps.core.http import as_id


class Pagination(PageNumberPagination):
    """Pages of 50 (`page_size` up to 200). A `page` or `page_size` that is not
    a whole number in range is a 400 naming it, not silently the first page
    or the default size; a page past the last is a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self._check_numbers(request)
        return super().paginate_queryset(queryset, request, view)

    def _check_numbers(self, request) -> None:
        errors = {}
        for name, highest in ((self.page_query_param, None), (self.page_size_query_param, self.max_page_size)):
            if name not in request.query_params or request.query_params[name] in self.last_page_strings:
                continue
            value = as_id(request.query_params[name])
            if value is None or value < 1:
                errors[name] = ["A whole number from 1."]
            elif highest is not None and value > highest:
                errors[name] = [f"At most {highest}."]
        if errors:
            raise ValidationError(errors)


def iso_datetime(value: datetime | None, zone) -> str | None:
    """What DRF's DateTimeField answers, without the field: in `zone` (the
    current time zone), ISO 8601, "Z" for UTC. For lists shaped in Python."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


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


class StrictOrderingFilter(OrderingFilter):
    """`ordering` by a field the endpoint does not offer is a 400 naming the
    fields it offers, not silently the default order."""

    def filter_queryset(self, request, queryset, view):
        if not hasattr(queryset, "model"):  # a list built in Python: it has its own order
            if request.query_params.get(self.ordering_param):
                raise ValidationError({self.ordering_param: ["This list has a fixed order."]})
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",")]
            valid = self.remove_invalid_fields(queryset, fields, view, request)
            if len(valid) != len(fields):
                offered = sorted(name for name, _ in self.get_valid_fields(queryset, view, {"request": request}))
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Order by one of: {', '.join(offered) or 'nothing here'} (- for descending)."
                        ]
                    }
                )
        return super().get_ordering(request, queryset, view)
