import datetime

import factory

from needs.models import Need, NeedEvent, Theme
from tests.fabrique.factories import UserFactory
from tests.territories.factories import DepartmentFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Thème {n}")

    class Meta:
        model = Theme
        django_get_or_create = ["name"]


class NeedFactory(factory.django.DjangoModelFactory):
    """A need of the structure of `created_by`; traits give the other statuses: `NeedFactory(qualified=True)`."""

    created_by = factory.SubFactory(UserFactory)
    structure = factory.SelfAttribute("created_by.structure")
    title = factory.Faker("sentence", nb_words=5, locale="fr_FR")
    description = factory.Faker("paragraph", locale="fr_FR")
    source = Need.Source.INHABITANTS
    department = factory.SubFactory(DepartmentFactory, code="35")
    detected_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    status = Need.Status.DETECTED

    class Meta:
        model = Need
        skip_postgeneration_save = True

    class Params:
        qualified = factory.Trait(status=Need.Status.QUALIFIED)
        on_hold = factory.Trait(status=Need.Status.ON_HOLD, status_reason="En attente du diagnostic de la commune.")
        dismissed = factory.Trait(status=Need.Status.DISMISSED, status_reason="Déjà couvert par une association.")

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(extracted)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create:
            NeedEvent.objects.create(need=self, kind=NeedEvent.Kind.CREATED, to_status=self.status, by=self.created_by)
