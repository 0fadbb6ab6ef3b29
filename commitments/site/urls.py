from django.contrib.sitemaps.views import index
from django.urls import path
from django.views.decorators.cache import cache_control

from commitments.site import exports, feeds, views
from commitments.site.conditional import conditional_page
from commitments.site.sitemaps import SITEMAPS, section_view

app_name = "commitments"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitment-list"),
    path("commitments/<slug:slug>/", views.CommitmentDetailView.as_view(), name="commitment-detail"),
    path("statements/", views.StatementListView.as_view(), name="statement-list"),
    path("statements/<slug:slug>/", views.StatementDetailView.as_view(), name="statement-detail"),
    path("themes/", views.ThemeListView.as_view(), name="theme-list"),
    path("themes/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme-detail"),
    path("actors/", views.ActorListView.as_view(), name="actor-list"),
    path("actors/<slug:slug>/", views.ActorDetailView.as_view(), name="actor-detail"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
    path("feeds/updates/", conditional_page(feeds.UpdatesFeed()), name="feed-updates"),
    path("feeds/themes/<slug:slug>/", conditional_page(feeds.ThemeUpdatesFeed()), name="feed-theme"),
    path("feeds/actors/<slug:slug>/", conditional_page(feeds.ActorUpdatesFeed()), name="feed-actor"),
    path(
        "feeds/commitments/<slug:slug>/",
        conditional_page(feeds.CommitmentUpdatesFeed()),
        name="feed-commitment",
    ),
    path("export/commitments.csv", exports.export_csv, name="export-csv"),
    path("export/commitments.json", exports.export_json, name="export-json"),
    # An index of sections, each in pages of at most SITEMAP_LIMIT addresses: one file may list
    # 50,000 at most, and 100,000 commitments are more.
    path(
        "sitemap.xml",
        cache_control(max_age=3600)(conditional_page(index)),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "commitments:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        cache_control(max_age=3600)(conditional_page(section_view)),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
