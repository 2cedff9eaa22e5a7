from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.LibraryView.as_view(), name="library"),
    path("new/", views.UploadView.as_view(), name="upload"),
    path("dossiers/", views.DossierListView.as_view(), name="dossiers"),
    path("dossiers/new/", views.DossierCreateView.as_view(), name="dossier-create"),
    path("dossiers/<id:dossier_id>/", views.DossierDetailView.as_view(), name="dossier"),
    path("dossiers/<id:dossier_id>/add/", views.DossierAddView.as_view(), name="dossier-add"),
    path("<id:document_id>/", views.DocumentDetailView.as_view(), name="detail"),
    path("<id:document_id>/versions/", views.VersionUploadView.as_view(), name="version-add"),
    path(
        "<id:document_id>/confidentiality/",
        views.ConfidentialityView.as_view(),
        name="confidentiality",
    ),
    path("<id:document_id>/circulate/", views.CirculateView.as_view(), name="circulate"),
    path("<id:document_id>/v<id:number>/file", views.DownloadView.as_view(), name="download"),
]
