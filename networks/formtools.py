"""Small bridges between forms and services, used by every app's views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from workflow import status_of

if TYPE_CHECKING:
    from django.forms import BaseForm
    from django.http import HttpResponse
    from django.views.generic.edit import FormMixin


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


def refused(view: FormMixin, form: BaseForm, error: ValidationError) -> HttpResponse:
    """A service refused what the form asked: the form again with the refusal beside what was
    typed, answered with the status the refusal's code maps to (workflow.status_of: 400,
    403 or 409) — the same status the API answers."""
    add_service_errors(form, error)
    response = view.form_invalid(form)
    response.status_code = status_of(error)
    return response
