"""The signals networks sends: steps in a network that an app above it acts on.

networks imports none of those apps (the layering in docs/architecture.md): they connect
their receivers in their AppConfig.ready(). A receiver runs in the sender's transaction, so
what it fails at rolls the step back, and what it stores is committed with it.
"""

from django.dispatch import Signal

# An invitation is to be mailed to the person it invites: sent (sender=Invitation) with
# `invitation`, `by` (the inviting person, or None) and `language` (one of LANGUAGES), in
# the transaction that created the invitation. circulation's receiver stores the mailing
# (one delivery) and sends it after the commit; the one-time link is rebuilt when the mail
# goes (networks.services.invitation_link_token), never stored.
invitation_to_mail = Signal()

# A membership started or ended, an invitation into a role was made or revoked — sent by
# networks.services inside the change's transaction (the audit trail listens,
# audit/receivers.py). Arguments: `network`, `by` (who did it, or None for the system),
# `event` ("membership.start", "membership.end", "invitation.create",
# "invitation.revoke"), `obj` (the Membership or Invitation), `person_id` (whose role, when
# there is an account) and `summary` (role and organisation).
role_changed = Signal()

# An invitation was accepted: sent (sender=Invitation) with `invitation` and `user` (the
# person it made a member) by networks.services.invitation_accept, inside its transaction.
# meetings' receiver makes a colleague invited to attend in someone's place the one sent.
invitation_accepted = Signal()
