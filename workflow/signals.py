"""What the workflow tells the rest of the portal, without knowing who listens (the audit
trail does: audit/receivers.py). Both are sent inside the caller's transaction, so whatever
a receiver writes there is kept or rolled back with the change itself.

- `step_taken`: `Workflow.require()` let a step through. Every service calls `require()` on
  the locked row inside the transaction that makes the change, so a step that then fails
  rolls back with what was recorded of it; `steps_for()` (which only asks) sends nothing.
  Arguments: `flow` (the Workflow), `record`, `step`, `actor` (its `user_id`, and the
  `organisation` it acts for when it has one), `before` (the record's state) and
  `transition` (where the step leads).
- `happened`: a fact worth keeping that is no step of a table (a restricted document was
  downloaded). Arguments: `network_id`, `user` (or None), `organisation_id` (or None),
  `record` (any model instance), `event` (a dotted name, e.g. "document.download") and
  `summary` (a small dict of plain values: no secrets, no document contents).
"""

from django.dispatch import Signal

step_taken = Signal()
happened = Signal()
