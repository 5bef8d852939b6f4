import datetime

import factory

from projects.models import Activity, Document, FollowUp, Meeting, Project, ProjectEvent
from tests.fabrique.factories import UserFactory
from tests.partners.factories import OrganizationFactory
from tests.projects.files import PDF
from tests.territories.factories import DepartmentFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    """A running opportunity study of the structure of `created_by`; traits for the other stages and states."""

    created_by = factory.SubFactory(UserFactory)
    structure = factory.SelfAttribute("created_by.structure")
    title = factory.Faker("sentence", nb_words=4, locale="fr_FR")
    public_summary = factory.Faker("paragraph", locale="fr_FR")
    internal_summary = factory.Faker("paragraph", locale="fr_FR")
    department = factory.SubFactory(DepartmentFactory, code="35")
    # Opened a year ago: an opportunity study takes 8 to 12 months.
    opened_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=365))
    stage = Project.Stage.OPPORTUNITY_STUDY
    state = Project.State.RUNNING
    visibility = Project.Visibility.INTERNAL

    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        public = factory.Trait(visibility=Project.Visibility.PUBLIC)
        shared = factory.Trait(visibility=Project.Visibility.PARTNERS)
        paused = factory.Trait(state=Project.State.PAUSED)
        stopped = factory.Trait(state=Project.State.STOPPED, stopped_reason="Aucun porteur ne s'est manifesté.")
        launched = factory.Trait(stage=Project.Stage.LAUNCHED)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            ProjectEvent.objects.create(
                project=self,
                kind=ProjectEvent.Kind.OPENED,
                to_stage=self.stage,
                to_state=self.state,
                by=self.created_by,
            )

    @factory.post_generation
    def activity(self, create, extracted, **kwargs):
        if create and self.stage == Project.Stage.LAUNCHED and extracted is not False:
            ActivityFactory(project=self, **kwargs)


class ActivityFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory, stage=Project.Stage.LAUNCHED, activity=False)
    name = factory.Faker("company", locale="fr_FR")
    legal_form = Activity.LegalForm.ASSOCIATION
    porteur = factory.SubFactory(OrganizationFactory)
    opened_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=400))
    jobs_at_launch = 2

    class Meta:
        model = Activity


class FollowUpFactory(factory.django.DjangoModelFactory):
    activity = factory.SubFactory(ActivityFactory)
    year = factory.LazyAttribute(lambda o: o.activity.opened_on.year + 1)
    jobs = 3
    recorded_by = factory.SelfAttribute("activity.project.created_by")

    class Meta:
        model = FollowUp


class MeetingFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory)
    kind = Meeting.Kind.WORKSHOP
    held_on = datetime.date(2025, 3, 12)
    title = "Atelier avec les habitants"
    participants = 12
    summary = "Trois pistes retenues."
    recorded_by = factory.SelfAttribute("project.created_by")

    class Meta:
        model = Meeting


class DocumentFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory)
    kind = Document.Kind.OPPORTUNITY_STUDY
    title = "Étude d'opportunité"
    file = factory.django.FileField(data=PDF, filename="etude.pdf")
    original_name = "etude.pdf"
    content_type = "application/pdf"
    size = len(PDF)
    uploaded_by = factory.SelfAttribute("project.created_by")

    class Meta:
        model = Document


class NoteFactory(factory.django.DjangoModelFactory):
    """A note of a project's journal."""

    project = factory.SubFactory(ProjectFactory)
    kind = ProjectEvent.Kind.NOTE
    comment = "Rendez-vous pris avec la mairie."
    by = factory.SelfAttribute("project.created_by")

    class Meta:
        model = ProjectEvent
