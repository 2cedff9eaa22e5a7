from django.urls import path

from meetings.api import views

urlpatterns = [
    path("networks/<slug:network>/meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path(
        "networks/<slug:network>/meetings/<id:pk>/",
        views.MeetingDetailView.as_view(),
        name="meeting-detail",
    ),
    path(
        "networks/<slug:network>/meetings/<id:meeting_id>/minutes/",
        views.MinutesVersionListView.as_view(),
        name="minutes-version-list",
    ),
]
