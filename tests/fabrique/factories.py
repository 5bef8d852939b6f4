import factory

from fabrique.models import User
from tests.territories.factories import StructureFactory

PASSWORD = "mot-de-passe-de-test"


class UserFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: f"personne{n}@fabrique.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = User.Role.REVELATEUR
    structure = factory.SubFactory(StructureFactory)
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = User
        django_get_or_create = ["email"]

    class Params:
        collectivite = factory.Trait(
            role=User.Role.COLLECTIVITE,
            structure=None,
            organization=factory.SubFactory("tests.partners.factories.OrganizationFactory", epci=True),
        )
        avise = factory.Trait(role=User.Role.AVISE, structure=None)
        admin = factory.Trait(role=User.Role.ADMIN, structure=None)
