"""The sitemap of the public pages: home, the Carnet de projets, the public projects and the départements."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
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

    def items(self):
        # Only what an anonymous visitor may see: the same rule as the pages themselves.
        return Project.objects.visible_to(AnonymousUser()).order_by("pk")

    def lastmod(self, project):
        return project.updated_at


class DepartmentsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        # The départements a Fabrique à initiatives covers.
        return Department.objects.filter(structures__isnull=False).distinct().order_by("code")

    def location(self, department):
        return reverse("territories:department", args=[department.code])


SITEMAPS = {"pages": PublicPagesSitemap, "projects": PublicProjectsSitemap, "departments": DepartmentsSitemap}
