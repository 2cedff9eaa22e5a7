from django.conf import settings


def portal(request):
    """What the base layout needs: the person's networks for the switcher, and the network
    of the page (set by NetworkPageMixin) for its footnote and navigation."""
    from networks.access import networks_of

    user = getattr(request, "user", None)
    return {
        "my_networks": (lambda: networks_of(user)) if user is not None else list,
        "network_access": getattr(request, "network_access", None),
        "portal_demo": settings.PORTAL_DEMO,
    }
