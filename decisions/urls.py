from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("new/", views.DecisionCreateView.as_view(), name="create"),
    path("actions/", views.ActionBoardView.as_view(), name="actions"),
    path("actions/<id:action_id>/", views.ActionDetailView.as_view(), name="action"),
    path("<id:decision_id>/", views.DecisionDetailView.as_view(), name="detail"),
    path("<id:decision_id>/procedure/", views.ProcedureOpenView.as_view(), name="procedure"),
    path("<id:decision_id>/position/", views.PositionView.as_view(), name="position"),
    path("<id:decision_id>/outcome/", views.OutcomeView.as_view(), name="outcome"),
    path("<id:decision_id>/extend/", views.ExtendView.as_view(), name="extend"),
    path("<id:decision_id>/actions/", views.ActionAddView.as_view(), name="action-add"),
]
