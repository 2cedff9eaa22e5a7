from django.conf import settings
from django.utils.functional import SimpleLazyObject


def portal(request):
    """What the base layout needs on every page.

    - `my_networks`: the person's networks for the switcher, queried at most once per
      request, and only if the page uses it (`networks.access.my_networks` keeps the result
      on the request, so the landing page and the switcher share it).
    - `network` / `network_access`: the network the request entered, for its navigation and
      designation footnote. Views under /n/<network>/ put these in their own context; here
      they also reach pages rendered outside the view, such as the 403 page of that network.
      Only a person who holds a role in the network ever has them (NetworkPageMixin sets
      `request.network_access` after the access check).
    - `inbox_count`: how many items wait for the person in that network, for the count
      beside "Home" in its navigation: the home's own list, or on the network's other pages
      the count the list left in the cache (networks.home.inbox_count; no query).
    """
    from networks.access import my_networks
    from networks.home import inbox_count

    context = {
        "my_networks": SimpleLazyObject(lambda: my_networks(request))
        if getattr(request, "user", None) is not None
        else [],
        "portal_demo": settings.PORTAL_DEMO,
    }
    access = getattr(request, "network_access", None)
    if access is not None:
        context["network"] = access.network
        context["network_access"] = access
        # A callable: the template calls it when it draws the count, not before.
        context["inbox_count"] = lambda: inbox_count(request)
    return context
