from django.contrib import admin
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path

from fabrique import views
from projects.sitemaps import SITEMAPS

admin.site.site_header = "Fabrique à initiatives — administration"
admin.site.site_title = "Administration de la Fabrique"
admin.site.index_title = "Tableau de bord"
# One sign-in page for the whole site, with its throttling and its French messages.
admin.site.login = login_required(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots, name="robots"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("compte/", include("fabrique.accounts_urls")),
    path("besoins/", include("needs.urls")),
    path("projets/", include("projects.urls")),
    path("territoires/", include("territories.urls")),
    path("recherche/", views.search, name="search"),
    path(
        "sitemap.xml",
        login_not_required(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<str:section>.xml",
        login_not_required(sitemaps.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("partenaires/", include("partners.urls")),
    path("statistiques/", include("reports.urls")),
    path("import/", include("imports.urls")),
    # Before the admin's own URLs, which would answer 404 for a path they do not know.
    path("admin/statistiques/", include("reports.admin_urls")),
    path("admin/", admin.site.urls),
]
