from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("commitments/<slug:slug>/", views.CommitmentDetailView.as_view(), name="commitment-detail"),
    path("statements/<slug:slug>/", views.StatementDetailView.as_view(), name="statement-detail"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("actors/<slug:slug>/", views.ActorDetailView.as_view(), name="actor-detail"),
]
