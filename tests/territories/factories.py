import factory

from territories.models import EPCI, Commune, Department, Region, Structure


class RegionFactory(factory.django.DjangoModelFactory):
    code = "53"
    name = "Bretagne"

    class Meta:
        model = Region
        django_get_or_create = ["code"]


class DepartmentFactory(factory.django.DjangoModelFactory):
    code = factory.Iterator(["35", "29", "22", "56"])
    name = factory.LazyAttribute(
        lambda o: {"22": "Côtes-d'Armor", "29": "Finistère", "35": "Ille-et-Vilaine", "56": "Morbihan"}.get(
            o.code, f"Département {o.code}"
        )
    )
    region = factory.SubFactory(RegionFactory)

    class Meta:
        model = Department
        django_get_or_create = ["code"]


class EPCIFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"2435{n:05d}")
    name = factory.Faker("city", locale="fr_FR")
    kind = EPCI.Kind.COMMUNES

    class Meta:
        model = EPCI
        django_get_or_create = ["code"]


class CommuneFactory(factory.django.DjangoModelFactory):
    department = factory.SubFactory(DepartmentFactory, code="35")
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.department.code}{n % 1000:03d}")
    name = factory.Faker("city", locale="fr_FR")
    epci = factory.SubFactory(EPCIFactory)

    class Meta:
        model = Commune
        django_get_or_create = ["code"]


class StructureFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"TAg{n:02d}")
    full_name = factory.LazyAttribute(lambda o: f"{o.name} — Fabrique à initiatives")
    email = factory.LazyAttribute(lambda o: f"contact@{o.name.lower()}.bzh")
    label = Structure.Label.EXPERIMENTING

    class Meta:
        model = Structure
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    class Params:
        labelled = factory.Trait(label=Structure.Label.LABELLED, labelled_on=factory.Faker("past_date"))

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)
