from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import JavaScriptCatalog

from accounts import views as account_views
from circulation import views as circulation_views
from documents import views as document_views
from meetings import views as meeting_views
from networks import views as network_views
from portal import errors, health, metrics
from portal.converters import IdConverter
from privacy import views as privacy_views
from reports import views as report_views
from workplans import views as workplan_views

register_converter(IdConverter, "id")

urlpatterns = [
    path("", network_views.LandingView.as_view(), name="landing"),
    path("switch/", network_views.SwitchNetworkView.as_view(), name="switch-network"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # nginx's 413 (a body over its limit) is answered here: deploy/nginx.conf.
    path("too-large/", errors.request_too_large, name="too-large"),
    path("privacy/", privacy_views.PrivacyNoticeView.as_view(), name="privacy"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path(
        "accounts/calendar/",
        meeting_views.CalendarSubscriptionView.as_view(),
        name="calendar-subscription",
    ),
    path("calendar/<str:token>.ics", meeting_views.calendar_feed, name="calendar-feed"),
    path("accounts/", include("privacy.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Before the admin's own: operators sign in through allauth like everyone.
    path("operators/login/", account_views.operators_login, name="operators-login"),
    path("operators/", admin.site.urls),
    path("n/<slug:network>/", include("networks.urls")),
    path("n/<slug:network>/mail/", include("circulation.urls")),
    path("n/<slug:network>/meetings/", include("meetings.urls")),
    path("n/<slug:network>/documents/", include("documents.urls")),
    path("n/<slug:network>/decisions/", include("decisions.urls")),
    path("n/<slug:network>/workplans/", include("workplans.urls")),
    path("n/<slug:network>/reports/", include("reports.urls")),
    path("n/<slug:network>/audit/", include("audit.urls")),
    path(
        "regions/<slug:region>/coverage/",
        workplan_views.RegionalCoverageView.as_view(),
        name="regional-coverage",
    ),
    path(
        "regions/<slug:region>/reports/",
        report_views.RegionalReportsView.as_view(),
        name="regional-reports",
    ),
    path(
        "regions/<slug:region>/reports/export.xlsx",
        report_views.RegionalExportView.as_view(extension="xlsx"),
        name="regional-reports-xlsx",
    ),
    path(
        "regions/<slug:region>/reports/export.csv",
        report_views.RegionalExportView.as_view(extension="csv"),
        name="regional-reports-csv",
    ),
    # Public on purpose: a network's public documents, for anyone (tests/test_isolation.py
    # keeps these out of the walker and tests/documents/test_public.py proves what they show).
    path("p/<slug:network>/", document_views.PublicNetworkView.as_view(), name="public-network"),
    path(
        "p/<slug:network>/documents/<id:document_id>/v<id:number>/file",
        document_views.PublicDownloadView.as_view(),
        name="public-download",
    ),
    path("c/o/<str:token>/", circulation_views.OpenedLinkView.as_view(), name="circulation-opened"),
    path("api/v1/", include("portal.api_urls")),
]

handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_failure"
