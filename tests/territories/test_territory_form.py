import pytest
from django import forms
from django.core.exceptions import ValidationError

from needs.models import Need
from territories.forms import TerritoryFormMixin, resolve_communes
from territories.models import EPCI
from tests.territories.factories import CommuneFactory, DepartmentFactory, EPCIFactory


@pytest.fixture
def ille_et_vilaine(db):
    department = DepartmentFactory(code="35")
    rennes_metropole = EPCIFactory(code="243500139", name="Rennes Métropole", kind=EPCI.Kind.METROPOLE)
    redon = EPCIFactory(code="243500741", name="Redon Agglomération", kind=EPCI.Kind.AGGLOMERATION)
    CommuneFactory(code="35238", name="Rennes", department=department, epci=rennes_metropole)
    CommuneFactory(code="35051", name="Cesson-Sévigné", department=department, epci=rennes_metropole)
    CommuneFactory(code="35236", name="Redon", department=department, epci=redon)
    CommuneFactory(code="56060", name="Saint-Nicolas-du-Tertre", department=DepartmentFactory(code="56"), epci=redon)
    return department


def test_it_finds_communes_by_name_ignoring_case_and_accents(ille_et_vilaine):
    communes = resolve_communes("cesson-sevigne,\nRENNES", ille_et_vilaine)

    assert [commune.code for commune in communes] == ["35051", "35238"]


def test_it_accepts_an_insee_code(ille_et_vilaine):
    assert [commune.name for commune in resolve_communes("35236", ille_et_vilaine)] == ["Redon"]


def test_it_names_each_unknown_commune(ille_et_vilaine):
    with pytest.raises(ValidationError) as error:
        resolve_communes("Rennes, Brest, Saint-Nicolas-du-Tertre", ille_et_vilaine)

    assert error.value.messages == [
        "« Brest » n'est pas une commune du département Ille-et-Vilaine (35).",
        "« Saint-Nicolas-du-Tertre » n'est pas une commune du département Ille-et-Vilaine (35).",
    ]


def test_it_asks_for_the_code_of_an_ambiguous_name(ille_et_vilaine):
    CommuneFactory(code="35999", name="Rennes", department=ille_et_vilaine)

    with pytest.raises(ValidationError) as error:
        resolve_communes("rennes", ille_et_vilaine)

    assert error.value.messages == [
        "Plusieurs communes du département Ille-et-Vilaine (35) s'appellent « rennes » : indiquez laquelle par son "
        "code INSEE, par exemple « Rennes (35238) ». Ce sont Rennes (35238), Rennes (35999)."
    ]
    assert [commune.code for commune in resolve_communes("Rennes (35999)", ille_et_vilaine)] == ["35999"]


def test_it_refuses_a_commune_outside_the_chosen_epci(ille_et_vilaine):
    with pytest.raises(ValidationError, match="Redon ne fait pas partie de Rennes Métropole"):
        resolve_communes("Redon", ille_et_vilaine, EPCI.objects.get(code="243500139"))


class TerritoryForm(TerritoryFormMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["department", "epci", "communes"]

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_territory(structure)


def test_the_epci_are_grouped_by_department_and_a_spanning_one_appears_under_each(ille_et_vilaine, tag35):
    tag35.departments.add(DepartmentFactory(code="56"))

    form = TerritoryForm(structure=tag35)

    groups = {group: [name for _, name in options] for group, options in form.fields["epci"].choices[1:]}
    assert groups == {
        "Ille-et-Vilaine (35)": ["Redon Agglomération", "Rennes Métropole"],
        "Morbihan (56)": ["Redon Agglomération"],
    }


def test_the_form_refuses_a_department_outside_the_structure(ille_et_vilaine, tag35):
    form = TerritoryForm(data={"department": "56", "epci": "", "communes": ""}, structure=tag35)

    assert not form.is_valid()
    assert "department" in form.errors


def test_the_form_refuses_an_epci_of_another_department(ille_et_vilaine, tag35):
    DepartmentFactory(code="29")
    tag35.departments.add("29")

    form = TerritoryForm(data={"department": "29", "epci": "243500139", "communes": ""}, structure=tag35)

    assert not form.is_valid()
    assert form.errors["epci"] == ["Rennes Métropole n'a aucune commune dans le département Finistère (29)."]


def test_the_form_resolves_the_communes(ille_et_vilaine, tag35):
    form = TerritoryForm(data={"department": "35", "epci": "243500139", "communes": "rennes"}, structure=tag35)

    assert form.is_valid(), form.errors
    assert [commune.code for commune in form.cleaned_data["communes"]] == ["35238"]
