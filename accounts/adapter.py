from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join a network through an invitation from its secretariat."""

    def is_open_for_signup(self, request) -> bool:
        return False
