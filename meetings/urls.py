from django.urls import path

from meetings import pack_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("settings/", views.MeetingSettingsView.as_view(), name="settings"),
    path("replies/", views.CalendarRepliesView.as_view(), name="replies"),
    path("<id:meeting_id>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<id:meeting_id>/edit/", views.MeetingEditView.as_view(), name="edit"),
    path("<id:meeting_id>/cancel/", views.MeetingCancelView.as_view(), name="cancel"),
    path("<id:meeting_id>/rsvp/", views.RsvpView.as_view(), name="rsvp"),
    path("<id:meeting_id>/invite/", views.ParticipantInviteView.as_view(), name="invite"),
    path("<id:meeting_id>/agenda.pdf", views.AgendaPdfView.as_view(), name="agenda-pdf"),
    path("<id:meeting_id>/pack/", pack_views.PackBuildView.as_view(), name="pack-build"),
    path(
        "<id:meeting_id>/pack/v<id:number>.pdf",
        pack_views.PackDownloadView.as_view(),
        name="pack-pdf",
    ),
    path("<id:meeting_id>/meeting.ics", views.MeetingIcsView.as_view(), name="ics"),
    path(
        "<id:meeting_id>/agenda/items/new/", views.AgendaItemFormView.as_view(), name="item-create"
    ),
    path(
        "<id:meeting_id>/agenda/items/<id:item_id>/",
        views.AgendaItemFormView.as_view(),
        name="item-edit",
    ),
    path(
        "<id:meeting_id>/agenda/items/<id:item_id>/delete/",
        views.AgendaItemDeleteView.as_view(),
        name="item-delete",
    ),
    path(
        "<id:meeting_id>/agenda/items/<id:item_id>/up/",
        views.AgendaItemActionView.as_view(action="up"),
        name="item-up",
    ),
    path(
        "<id:meeting_id>/agenda/items/<id:item_id>/down/",
        views.AgendaItemActionView.as_view(action="down"),
        name="item-down",
    ),
    path("<id:meeting_id>/agenda/submit/", views.AgendaSubmitView.as_view(), name="agenda-submit"),
    path(
        "<id:meeting_id>/agenda/approve/", views.AgendaApproveView.as_view(), name="agenda-approve"
    ),
    path("<id:meeting_id>/agenda/return/", views.AgendaReturnView.as_view(), name="agenda-return"),
    path("<id:meeting_id>/agenda/reopen/", views.AgendaReopenView.as_view(), name="agenda-reopen"),
    path(
        "<id:meeting_id>/agenda/circulate/",
        views.AgendaCirculateView.as_view(),
        name="agenda-circulate",
    ),
    path("<id:meeting_id>/minutes/", views.MinutesView.as_view(), name="minutes"),
    path("<id:meeting_id>/minutes/start/", views.MinutesStartView.as_view(), name="minutes-start"),
    path(
        "<id:meeting_id>/minutes/attendance/",
        views.AttendanceView.as_view(),
        name="minutes-attendance",
    ),
    path(
        "<id:meeting_id>/minutes/items/<id:minutes_item_id>/",
        views.MinutesItemView.as_view(),
        name="minutes-item",
    ),
    path(
        "<id:meeting_id>/minutes/submit/", views.MinutesSubmitView.as_view(), name="minutes-submit"
    ),
    path(
        "<id:meeting_id>/minutes/approve/",
        views.MinutesApproveView.as_view(),
        name="minutes-approve",
    ),
    path(
        "<id:meeting_id>/minutes/return/", views.MinutesReturnView.as_view(), name="minutes-return"
    ),
    path(
        "<id:meeting_id>/minutes/comment/",
        views.MinutesCommentView.as_view(),
        name="minutes-comment",
    ),
    path(
        "<id:meeting_id>/minutes/correct/",
        views.MinutesCorrectView.as_view(),
        name="minutes-correct",
    ),
    path(
        "<id:meeting_id>/minutes/v<id:number>.pdf",
        views.MinutesPdfView.as_view(),
        name="minutes-pdf",
    ),
]
