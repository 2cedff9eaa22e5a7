from django.urls import path

from circulation import views

app_name = "circulation"

urlpatterns = [
    path("", views.CirculationListView.as_view(), name="list"),
    path("<id:circulation_id>/", views.CirculationDetailView.as_view(), name="detail"),
    path("deliveries/<id:delivery_id>/resend/", views.DeliveryResendView.as_view(), name="resend"),
    path("mine/", views.MyMailView.as_view(), name="mine"),
    path("deliveries/<id:delivery_id>/", views.DeliveryMessageView.as_view(), name="message"),
]
