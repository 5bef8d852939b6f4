import factory

from partners.models import Contact, Involvement, Organization
from tests.territories.factories import EPCIFactory


class OrganizationFactory(factory.django.DjangoModelFactory):
    """An association; `OrganizationFactory(epci=True)` gives a collectivité governing a new EPCI."""

    name = factory.Faker("company", locale="fr_FR")
    kind = Organization.Kind.ASSOCIATION

    class Meta:
        model = Organization

    class Params:
        epci = factory.Trait(
            kind=Organization.Kind.EPCI,
            governed_epci=factory.SubFactory(EPCIFactory),
            name=factory.SelfAttribute("governed_epci.name"),
            siren=factory.SelfAttribute("governed_epci.code"),
        )


class ContactFactory(factory.django.DjangoModelFactory):
    organization = factory.SubFactory(OrganizationFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    job_title = "Chargée de mission ESS"
    email = factory.Faker("email", locale="fr_FR")
    phone = "02 99 00 00 00"
    legal_basis = Contact.LegalBasis.LEGITIMATE_INTEREST

    class Meta:
        model = Contact


class InvolvementFactory(factory.django.DjangoModelFactory):
    organization = factory.SubFactory(OrganizationFactory)
    role = Involvement.Role.OPERATIONAL
    created_by = factory.SelfAttribute("project.created_by")

    class Meta:
        model = Involvement
