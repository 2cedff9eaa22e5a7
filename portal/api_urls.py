from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from networks.api.errors import api_not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL: no inline script, so the page
    # runs under the portal's Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("networks.api.urls")),
    # Last: any other path under /api/v1/ is the API's JSON 404, with DEBUG on or off.
    re_path(r"^", api_not_found),
]
