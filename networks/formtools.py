"""Two small bridges between forms and services, used by every app's views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django.forms import BaseForm


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one,
    else above the form, so the person sees it beside what they typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_errors(form: BaseForm) -> ValidationError:
    """A bound, invalid form's messages as one ValidationError (for views that answer a POST
    with a message and a redirect rather than the form again)."""
    return ValidationError([message for messages in form.errors.values() for message in messages])
