"""Routes of /api/v1/. Mounted by tracker/urls.py."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from commitments.api import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("articles", views.ArticleViewSet, basename="article")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("status-updates", views.StatusUpdateViewSet, basename="status-update")
router.register("quotes", views.QuoteViewSet, basename="quote")
router.register("article-links", views.ArticleLinkViewSet, basename="article-link")

# The index lists the resources in the order registered, then the stats and the documentation.
INDEX = (
    *((prefix, f"{basename}-list") for prefix, _, basename in router.registry),
    ("stats", "stats"),
    ("schema", "schema"),
    ("docs", "docs"),
)

urlpatterns = [
    path("", views.IndexView.as_view(routes=INDEX), name="index"),
    *router.urls,
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="commitments/api/docs.html"),
        name="docs",
    ),
    # Last: anything else under /api/v1/ answers a JSON 404. Only addresses ending in a slash,
    # so that CommonMiddleware still redirects /api/v1/commitments to /api/v1/commitments/.
    re_path(r"^[\s\S]*/$", views.not_found),
]
