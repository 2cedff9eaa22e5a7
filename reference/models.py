"""Reference data the portal ships (loaded by data migration, never edited in the portal):
the GCM objectives and guiding principles (A/RES/73/195, paras 16 and 15) and SDG targets."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Translated:
    """Pick the Russian field when the active language is Russian and it is filled."""

    def _in_language(self, name: str) -> str:
        if (get_language() or "en").startswith("ru"):
            return getattr(self, f"{name}_ru") or getattr(self, name)
        return getattr(self, name)


class GCMObjective(Translated, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    short_label = models.CharField(_("short label"), max_length=80)
    short_label_ru = models.CharField(max_length=120, blank=True)
    title = models.CharField(_("title"), max_length=300)
    title_ru = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("GCM objective")

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"

    @property
    def label(self) -> str:
        return self._in_language("short_label")

    @property
    def full_title(self) -> str:
        return self._in_language("title")


class GuidingPrinciple(Translated, models.Model):
    letter = models.CharField(_("letter"), max_length=1, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_ru = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["letter"]
        verbose_name = _("GCM guiding principle")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self._in_language("name")


class SDGTarget(Translated, models.Model):
    code = models.CharField(_("target"), max_length=8, unique=True)
    goal = models.PositiveSmallIntegerField(_("goal"))
    title = models.TextField(_("title"))
    title_ru = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["goal", "position"]
        verbose_name = _("SDG target")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return self._in_language("title")
