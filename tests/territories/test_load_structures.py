import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from territories.models import Structure
from tests.territories.factories import DepartmentFactory


def load_structures():
    out = StringIO()
    call_command("load_structures", stdout=out)
    return out.getvalue()


@pytest.fixture
def breton_departments(db):
    return [DepartmentFactory(code=code) for code in ["22", "29", "35", "56"]]


def test_it_creates_the_four_breton_structures(breton_departments):
    output = load_structures()

    structures = Structure.objects.prefetch_related("departments")
    assert [(s.name, [d.code for d in s.departments.all()], s.label, s.labelled_on, s.email) for s in structures] == [
        ("TAg22", ["22"], "experimenting", None, "contact@richess.fr"),
        ("TAg29", ["29"], "experimenting", None, "emergence@tag29.bzh"),
        ("TAg35", ["35"], "labelled", datetime.date(2017, 10, 1), "contact@tag35.bzh"),
        ("TAg56", ["56"], "experimenting", None, "revelateur@tag56.bzh"),
    ]
    assert "TAg35 : créée." in output


def test_loading_the_structures_twice_changes_nothing(breton_departments):
    load_structures()

    output = load_structures()

    assert Structure.objects.count() == 4
    assert "TAg22 : déjà présente, laissée telle quelle." in output


def test_it_keeps_what_an_administrator_edited(breton_departments):
    load_structures()
    tag29 = Structure.objects.get(name="TAg29")
    tag29.email = "revelateur@tag29.bzh"
    tag29.label = Structure.Label.LABELLED
    tag29.labelled_on = datetime.date(2026, 1, 15)
    tag29.save()
    tag29.departments.set([breton_departments[0], breton_departments[1]])

    load_structures()

    tag29.refresh_from_db()
    assert (tag29.email, tag29.label, tag29.labelled_on) == (
        "revelateur@tag29.bzh",
        "labelled",
        datetime.date(2026, 1, 15),
    )
    assert sorted(tag29.departments.values_list("code", flat=True)) == ["22", "29"]


@pytest.mark.django_db
def test_it_refuses_to_run_before_the_departments_are_loaded():
    DepartmentFactory(code="35")

    with pytest.raises(CommandError, match="Départements absents : 22, 29, 56. Lancez d'abord"):
        load_structures()
    assert not Structure.objects.exists()
