"""One workflow for every record a network signs off: the agenda, the minutes, joint
statements, quarterly reports, workplan endorsement.

A plain library, not an app: it has no tables and imports no domain app (nor networks).
The apps describe their record's life as a `Workflow` — a table of
`(state, step) → Transition(next state, action)` — and call `require()` before a step and
`steps_for()` to learn which steps a person may take now. `signoff` says who must sign and
who is still awaited; `frozen` is the one base for a version that never changes once signed.
`signals` tells whoever listens (the audit trail) of each step `require()` lets through.
"""

from workflow.core import (
    Actor,
    Refusal,
    Transition,
    Workflow,
    require,
    status_of,
    steps_for,
)
from workflow.frozen import FrozenError, FrozenQuerySet, FrozenVersion
from workflow.signoff import Rule, Signoff, check_signature, content_hash, evaluate

__all__ = [
    "Actor",
    "FrozenError",
    "FrozenQuerySet",
    "FrozenVersion",
    "Refusal",
    "Rule",
    "Signoff",
    "Transition",
    "Workflow",
    "check_signature",
    "content_hash",
    "evaluate",
    "require",
    "status_of",
    "steps_for",
]
