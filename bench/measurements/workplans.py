"""Issue 6: the workplan page and its GCM coverage matrix at the demo's six activities and
then at 300, and the regional coverage matrix of the Europe and Central Asia networks when
the database holds 100 networks, each with a 300-activity workplan."""

from functools import cache

from bench.registry import measurement

REGIONAL_VIEWER = "regional@example.org"


@cache  # looked up once, outside the timed requests' figures after the first
def _kyrgyz_plan() -> str:
    from networks.models import Network
    from networks.scoping import network_scope
    from workplans.models import Workplan

    with network_scope(Network.objects.get(slug="kyrgyzstan")):
        plan = Workplan.objects.filter(status=Workplan.Status.ACTIVE).first()
    return f"/n/kyrgyzstan/workplans/{plan.pk}/"


@measurement("workplan page")
def workplan_page(client):
    return client.get(_kyrgyz_plan())


@measurement("workplan GCM coverage")
def workplan_coverage(client):
    return client.get(_kyrgyz_plan() + "coverage/")


@measurement("regional GCM coverage", user=REGIONAL_VIEWER)
def regional_coverage(client):
    return client.get("/regions/eca/coverage/")
