import factory

from partners.models import Organization


class OrganizationFactory(factory.django.DjangoModelFactory):
    name = factory.Faker("company", locale="fr_FR")
    kind = Organization.Kind.ASSOCIATION

    class Meta:
        model = Organization
