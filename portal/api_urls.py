from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from networks.api.errors import api_not_found

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("networks.api.urls")),
    # Last: any other path under /api/v1/ is the API's JSON 404, with DEBUG on or off.
    re_path(r"^", api_not_found),
]
