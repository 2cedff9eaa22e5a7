"""Domain signals of meetings: what happens in a meeting's life that the apps above it act on.
meetings sends them and imports none of those apps (docs/architecture.md, the layering)."""

from django.dispatch import Signal

# Sent inside the approval's transaction when a version of the minutes has every sign-off
# it needs and is frozen: `minutes_version`, the approved MinutesVersion. A receiver that
# raises rolls the approval back, so what it writes is atomic with it (decisions: the
# decisions taken and the action points enter the register).
minutes_approved = Signal()
