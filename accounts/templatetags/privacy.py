"""{% load privacy %}: frozen records as the pages show them once a person's data is erased."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.privacy import masked_attendance

register = template.Library()


@register.filter
def attendance_shown(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The attendance of a minutes content, an erased person under their pseudonym (the
    stored content, and its SHA-256, stay as signed). One query."""
    return masked_attendance(content or {}).get("attendance") or []
