"""The Atom feed of the Carnet de projets: the public projects, newest first, and the activities they launched."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from projects.models import Project, ProjectEvent

FEED_ITEMS = 30


class NewProjectsFeed(Feed):
    feed_type = Atom1Feed
    title = "Carnet de projets — Fabrique à initiatives en Bretagne"
    subtitle = "Les projets rendus publics et les activités lancées par les Fabriques à initiatives bretonnes."
    link = reverse_lazy("projects:list")
    feed_url = reverse_lazy("projects:feed")
    author_name = "Fabrique à initiatives en Bretagne"

    def items(self):
        # A project is news when it becomes public, and again when it launches its activity.
        launched_at = (
            ProjectEvent.objects.filter(project=OuterRef("pk"), to_stage=Project.Stage.LAUNCHED)
            .exclude(from_stage=Project.Stage.LAUNCHED)
            .order_by("-at")
            .values("at")[:1]
        )
        return (
            Project.objects.visible_to(AnonymousUser())
            .select_related("structure", "department", "activity")
            .annotate(public_since=Coalesce("published_at", "created_at"))
            .annotate(news_at=Greatest(Coalesce(Subquery(launched_at), "public_since"), "public_since"))
            .order_by("-news_at", "-pk")[:FEED_ITEMS]
        )

    def item_title(self, item):
        if item.stage == Project.Stage.LAUNCHED:
            return f"Activité lancée : {item.title}"
        return f"Nouveau projet : {item.title}"

    def item_description(self, item):
        return item.public_summary or f"Un projet de {item.structure.name}."

    def item_pubdate(self, item):
        return item.news_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.structure.name

    def item_categories(self, item):
        return [str(item.department), item.get_stage_display()]
