"""Form fields and widgets every app's forms share. Times are typed in the network's time zone
(entering the network entered its clock, portal.clock), so a field here never converts one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# What a browser's datetime-local sends, and what a person types without one.
DATETIME_INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def local_datetime_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    """A date and time typed in the network's zone."""
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUT_FORMATS,
        widget=LocalDateTimeInput(),
        error_messages={"invalid": _("Give a date and time, e.g. 2026-09-15 10:00.")},
        **kwargs,
    )


def person_label(person: Any) -> str:
    return f"{person.get_full_name()} ({person.email})" if person.full_name else person.email


class PersonChoiceField(forms.ModelChoiceField):
    """One person, shown by name and address."""

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a value that cannot be a database id before querying with it (a 40-digit
    number overflows the database's integers)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            text = str(pk)
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:40]},
                )
        return super()._check_values(value)  # type: ignore[misc]


class PeopleChoiceField(IdsChoiceField):
    """Several people, shown by name and address."""

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)
