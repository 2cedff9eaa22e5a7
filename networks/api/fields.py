"""Fields the API's serializers share."""

from __future__ import annotations

from rest_framework import serializers


class LinkField(serializers.URLField):
    """A link a model keeps as "" when there is none: null in the API, never an empty string
    where the schema promises a `uri`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


def _json_type(field: serializers.Field) -> tuple[type, ...] | None:
    """The JSON types a field's value must have in a request, as the schema says; None for
    a field whose own parsing is already strict (a decimal, a choice of numbers)."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        return (int,)
    if isinstance(field, serializers.ChoiceField):
        values = list(field.choices)
        return (str,) if values and all(isinstance(v, str) for v in values) else None
    if isinstance(
        field,
        serializers.CharField
        | serializers.DateField
        | serializers.DateTimeField
        | serializers.TimeField,
    ):
        return (str,)
    if isinstance(field, serializers.ListField | serializers.ManyRelatedField):
        return (list,)
    if isinstance(field, serializers.Serializer | serializers.DictField):
        return (dict,)
    return None


def type_message(expected: tuple[type, ...]) -> str:
    from django.utils.translation import gettext as _

    if expected == (bool,):
        return _("Give true or false.")
    if expected == (int,):
        return _("Give a whole number.")
    if expected == (list,):
        return _("Give a list.")
    if expected == (dict,):
        return _("Give an object.")
    return _("Give text.")


class InputSerializer(serializers.Serializer):
    """A request body read as the schema documents it: a value of the wrong JSON type is a
    400 naming the field — DRF alone would take 5 for "5", "yes" for true and {} for a
    list of ids."""

    def to_internal_value(self, data):
        # JSON only: in multipart/form-data (a QueryDict) every value is text anyway.
        if isinstance(data, dict) and not hasattr(data, "getlist"):
            errors = {}
            for field in self.fields.values():
                if field.read_only or field.source == "*" or field.field_name not in data:
                    continue
                value = data[field.field_name]
                expected = _json_type(field)
                if value is None or expected is None:
                    continue
                if not isinstance(value, expected) or (
                    expected == (int,) and isinstance(value, bool)
                ):
                    errors[field.field_name] = [type_message(expected)]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
