from django.conf import settings
from django.utils.functional import SimpleLazyObject


def portal(request):
    """What the base layout needs: the person's networks for the switcher (queried only if
    the page uses them, once), and the network of the page for its footnote and navigation
    (set by NetworkPageMixin)."""
    from networks.access import my_networks

    return {
        "my_networks": SimpleLazyObject(lambda: my_networks(request))
        if getattr(request, "user", None) is not None
        else [],
        "portal_demo": settings.PORTAL_DEMO,
    }
