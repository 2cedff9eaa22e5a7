from django.urls import path

from documents.api import views

N = "networks/<slug:network>/"
D = f"{N}documents/<id:document_id>/"

urlpatterns = [
    path(f"{N}documents/", views.DocumentListView.as_view(), name="document-list"),
    path(D, views.DocumentDetailView.as_view(), name="document-detail"),
    path(f"{D}versions/", views.VersionListView.as_view(), name="document-version-list"),
    path(
        f"{D}versions/<id:number>/",
        views.VersionDetailView.as_view(),
        name="document-version-detail",
    ),
    path(f"{D}versions/<id:number>/file", views.DownloadView.as_view(), name="document-download"),
    path(
        f"{D}confidentiality/",
        views.ConfidentialityView.as_view(),
        name="document-confidentiality",
    ),
    path(f"{D}readers/", views.ReadersView.as_view(), name="document-readers"),
    path(f"{N}dossiers/", views.DossierListView.as_view(), name="dossier-list"),
    path(f"{N}dossiers/<id:dossier_id>/", views.DossierDetailView.as_view(), name="dossier-detail"),
]
