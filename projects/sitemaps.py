"""The sitemap of the public pages: home, the Carnet de projets, the public projects and the départements.

`/sitemap.xml` is an index of the sections below; each section is a sitemap of its own, in pages of `limit` entries
(`/sitemap-projets.xml?p=2`), so that no request reads every public project however many there are.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from projects.models import Project
from territories.models import Department


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["home", "projects:list", "projects:carnet"]

    def location(self, item):
        return reverse(item)


class PublicProjectsSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        # Only what an anonymous visitor may see: the same rule as the pages themselves; and only the columns an
        # entry needs (its address and its date).
        return Project.objects.visible_to(AnonymousUser()).only("pk", "updated_at").order_by("pk")

    def lastmod(self, project):
        return project.updated_at

    def get_latest_lastmod(self):
        """Return the latest change of a public project, for the index, in one query (Django's default reads every
        project to find it)."""
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class DepartmentsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # The départements a Fabrique à initiatives covers.
        return Department.objects.filter(structures__isnull=False).distinct().order_by("code")

    def location(self, department):
        return reverse("territories:department", args=[department.code])


# The sections of the index, by the name in their address: /sitemap-<section>.xml.
SITEMAPS = {"pages": PublicPagesSitemap, "projets": PublicProjectsSitemap, "departements": DepartmentsSitemap}
