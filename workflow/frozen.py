"""The one frozen version: once signed (its `frozen_field` set), a version never changes —
neither by `save()`/`delete()` on the instance nor by `update()`/`delete()` on a queryset,
whether through a page, the API or the admin. A correction is a new version."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class FrozenError(Exception):
    """A signed version was about to change."""


class FrozenQuerySet(models.QuerySet):
    """`update()` and `delete()` refuse to touch a frozen version."""

    def _touches_frozen(self) -> bool:
        return self.filter(self.model.frozen_q()).exists()

    def update(self, **kwargs: Any) -> int:
        if self._touches_frozen():
            raise FrozenError(self.model.frozen_message)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_frozen():
            raise FrozenError(self.model.frozen_message)
        return super().delete()


class FrozenVersion(models.Model):
    """Abstract base. `frozen_field` names the moment it was signed (null until then); None
    means every stored row is frozen (a quarterly report's version is stored when signed).
    A subclass keeps its own manager, built with `.from_queryset(FrozenQuerySet)`."""

    frozen_field: ClassVar[str | None] = "approved_at"
    frozen_message: ClassVar[str] = "A signed version cannot change."

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._stored_is_frozen():
            raise FrozenError(self.frozen_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._stored_is_frozen():
            raise FrozenError(self.frozen_message)
        return super().delete(*args, **kwargs)

    @classmethod
    def frozen_q(cls) -> models.Q:
        if cls.frozen_field is None:
            return models.Q()
        return models.Q(**{f"{cls.frozen_field}__isnull": False})

    def _stored_is_frozen(self) -> bool:
        if self.pk is None:
            return False
        return type(self)._base_manager.filter(self.frozen_q(), pk=self.pk).exists()
