from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Commitment Tracker: editors"
admin.site.site_title = "Commitment Tracker admin"
admin.site.index_title = "Statements, commitments and evidence"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("commitments.api.urls")),
    path("", include("commitments.site.urls")),
]
