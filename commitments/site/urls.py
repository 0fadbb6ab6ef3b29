from django.contrib.sitemaps.views import index
from django.urls import path
from django.views.decorators.cache import cache_control

from commitments.site import calendars, embeds, exports, feeds, images, suggest, views
from commitments.site.conditional import conditional_page
from commitments.site.sitemaps import SITEMAPS, section_view

app_name = "commitments"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path(
        "commitments/",
        views.redirect_legacy_names(views.CommitmentListView.as_view()),
        name="commitment-list",
    ),
    path("commitments/<slug:slug>/", views.CommitmentDetailView.as_view(), name="commitment-detail"),
    # Readers' evidence and corrections, for the analysts' queue (never public).
    path("commitments/<slug:slug>/suggest/", suggest.suggest, name="commitment-suggest"),
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
    # Newly published commitments: all, per theme, per actor.
    path("feeds/commitments/", conditional_page(feeds.NewCommitmentsFeed()), name="feed-new-commitments"),
    path(
        "feeds/themes/<slug:slug>/commitments/",
        conditional_page(feeds.ThemeCommitmentsFeed()),
        name="feed-theme-commitments",
    ),
    path(
        "feeds/actors/<slug:slug>/commitments/",
        conditional_page(feeds.ActorCommitmentsFeed()),
        name="feed-actor-commitments",
    ),
    # Downloads: the API's parameter names; former names redirect (views.redirect_legacy_names).
    path("export/commitments.csv", views.redirect_legacy_names(exports.export_csv), name="export-csv"),
    path("export/commitments.json", views.redirect_legacy_names(exports.export_json), name="export-json"),
    path("export/commitments.ndjson", views.redirect_legacy_names(exports.export_ndjson), name="export-ndjson"),
    path("export/datapackage.json", views.redirect_legacy_names(exports.export_datapackage), name="datapackage"),
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

# Deadline calendars and embeds for newsrooms (docs/embeds.md). The card is the one page another
# site may frame (embeds.framable).
urlpatterns += [
    path("calendar/deadlines.ics", calendars.deadlines, name="calendar-deadlines"),
    path("calendar/themes/<slug:slug>.ics", calendars.theme_deadlines, name="calendar-theme"),
    path("calendar/actors/<slug:slug>.ics", calendars.actor_deadlines, name="calendar-actor"),
    path("embed/commitments/<slug:slug>/", embeds.embed_card, name="embed-card"),
    path("badges/commitments/<slug:slug>.svg", embeds.badge, name="badge"),
    path("oembed/", embeds.oembed, name="oembed"),
    path("share/commitments/<slug:slug>.png", images.share_image, name="share-image"),
]
