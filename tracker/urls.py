from django.contrib import admin
from django.urls import include, path
from rest_framework.authtoken.admin import TokenProxy

admin.site.site_header = "Commitment Tracker: editors"
admin.site.site_title = "Commitment Tracker admin"
admin.site.index_title = "Statements, commitments and evidence"
# Tokens are stored as digests and made by `manage.py drf_create_token` (commitments/api/tokens.py);
# Django REST framework's token page would only show digests and make tokens nobody can use.
admin.site.unregister(TokenProxy)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("commitments.api.urls")),
    path("", include("commitments.site.urls")),
]

# JSON under /api/, the site's pages elsewhere (tracker/errors.py).
handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
