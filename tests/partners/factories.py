import factory

from partners.models import Contact, Involvement, Organization
from tests.territories.factories import EPCIFactory, StructureFactory


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
    """A person of an organisation, recorded by a structure (pass `structure=`, or `created_by=` a révélateur)."""

    organization = factory.SubFactory(OrganizationFactory)
    created_by = None
    structure = factory.LazyAttribute(lambda o: o.created_by.structure if o.created_by else StructureFactory())
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    job_title = "Chargée de mission ESS"
    email = factory.Faker("email", locale="fr_FR")
    phone = "02 99 00 00 00"
    legal_basis = Contact.LegalBasis.LEGITIMATE_INTEREST

    class Meta:
        model = Contact


class InvolvementFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory("tests.projects.factories.ProjectFactory")
    organization = factory.SubFactory(OrganizationFactory)
    role = Involvement.Role.OPERATIONAL
    created_by = factory.SelfAttribute("project.created_by")

    class Meta:
        model = Involvement


class FundingFactory(InvolvementFactory):
    """A funder's contribution in euros: the funding of a project (of its activity, once launched)."""

    role = Involvement.Role.FUNDER
    contribution_kind = Involvement.ContributionKind.GRANT
    amount = 1000
