"""What networks tells others without knowing them (the audit trail listens,
audit/receivers.py).

`role_changed`: a membership started or ended, an invitation into a role was made or
revoked — sent by networks.services inside the change's transaction. Arguments: `network`,
`by` (who did it, or None for the system), `event` ("membership.start", "membership.end",
"invitation.create", "invitation.revoke"), `obj` (the Membership or Invitation), `person_id`
(whose role, when there is an account) and `summary` (role and organisation).
"""

from django.dispatch import Signal

role_changed = Signal()
