"""Forms and business rules: a service's ValidationError shows on the form
that sent it, a stale edit (Conflict) too, with status 409."""

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError

from apps.core import uploads
from apps.core.exceptions import Conflict


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names
    when the form has that field, otherwise at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


@contextmanager
def errors_on(form) -> Iterator[None]:
    """Run a service for a valid form; what it refuses lands on the form.

    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            sprint = services.sprint_create(actor=request.user, **form.cleaned_data)
            return redirect(sprint)
    return TemplateResponse(..., status=form_status(form))
    """
    try:
        yield
    except Conflict as exc:
        form.add_error(None, str(exc))
        form.is_stale = True
    except ValidationError as exc:
        add_service_errors(form, exc)


def form_status(*forms) -> int:
    """200 for a fresh form, 409 for a stale edit, 400 for any other error."""
    if any(getattr(form, "is_stale", False) for form in forms if form is not None):
        return 409
    if any(form.is_bound and form.errors for form in forms if form is not None):
        return 400
    return 200


def error_text(form) -> str:
    """A form's errors as one line naming the fields, for a message or a table row."""
    return " ".join(
        f"{message}" if field == "__all__" else f"{form[field].label}: {message}"
        for field, messages in form.errors.items()
        for message in messages
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, offering the accepted types (apps.core.uploads) in the browser's picker."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(uploads.TYPES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files if upload]
