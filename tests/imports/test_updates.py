"""Updating existing records: only the columns of the file are compared and written, an empty optional cell keeps
the stored value, a row may name its record by the « N° » of the exports, and an update keeps the product's rules."""

import datetime

import pytest
from django.utils import timezone

from imports.columns import NEEDS, PROJECTS
from imports.importers import preview, run_import
from imports.reading import FileRefused, read_table
from imports.rows import ERROR, UNCHANGED, UPDATED
from needs.models import Need
from projects.models import Project
from tests.imports.conftest import HEADERS, csv_bytes, need_row, project_row
from tests.needs.factories import NeedFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

NEED_REQUIRED = ["Référence", "Intitulé", "Description", "Thèmes", "Origine", "Département", "Détecté le"]
PROJECT_REQUIRED = ["Référence", "Intitulé", "Thèmes", "Département", "Étape", "Ouvert le"]


def needs_table(*rows, header=None):
    return read_table("besoins.csv", csv_bytes(header or HEADERS["besoins"], rows))


def projects_table(*rows, header=None):
    return read_table("projets.csv", csv_bytes(header or HEADERS["projets"], rows))


FULL_NEED = {
    "Public concerné": "Personnes âgées",
    "Type de territoire": "Rural",
    "EPCI": "Rennes Métropole",
    "Communes": "Rennes, Cesson-Sévigné",
    "Précision sur l'origine": "Réunion publique",
}
FULL_PROJECT = {
    "Résumé interne": "Le maire hésite encore.",
    "Résumé public": "Un lieu pour se retrouver.",
    "Type de solution": "Tiers-lieu",
    "Programme": "Idéateur",
    "Visibilité": "Partagé avec les partenaires",
}


@pytest.fixture
def imported_need(revelateur35, brittany):
    run_import(NEEDS, needs_table(need_row(**FULL_NEED)), user=revelateur35, filename="v1.csv")
    return Need.objects.get()


@pytest.fixture
def imported_project(revelateur35, brittany):
    run_import(PROJECTS, projects_table(project_row(**FULL_PROJECT)), user=revelateur35, filename="v1.csv")
    return Project.objects.get()


def need_territory(need):
    need.refresh_from_db()
    return need.epci_id, sorted(need.communes.values_list("code", flat=True))


def test_a_file_of_the_required_columns_only_leaves_the_other_fields_of_a_need_alone(revelateur35, imported_need):
    table = needs_table(need_row(), header=NEED_REQUIRED)

    [result] = preview(NEEDS, table, revelateur35)
    assert (result.outcome, result.outcome_label, result.changes) == (UNCHANGED, "Inchangé", [])
    run_import(NEEDS, table, user=revelateur35, filename="v2.csv")

    need = Need.objects.get()
    assert (need.target_public, need.territory_kind, need.source_detail, need.version) == (
        "Personnes âgées",
        "rural",
        "Réunion publique",
        1,
    )
    assert need_territory(need) == ("243500139", ["35051", "35238"])


def test_a_file_of_the_required_columns_only_leaves_the_other_fields_of_a_project_alone(
    revelateur35, imported_project
):
    table = projects_table(project_row(), header=PROJECT_REQUIRED)

    [result] = preview(PROJECTS, table, revelateur35)
    assert (result.outcome, result.changes) == (UNCHANGED, [])
    run_import(PROJECTS, table, user=revelateur35, filename="v2.csv")

    project = Project.objects.get()
    assert (project.internal_summary, project.programme, project.visibility, project.epci_id) == (
        "Le maire hésite encore.",
        "ideateur",
        "partners",
        "243500741",
    )
    assert list(project.communes.values_list("code", flat=True)) == ["35236"]


def test_a_changed_title_in_a_partial_file_changes_the_title_only(revelateur35, imported_need):
    [result] = preview(NEEDS, needs_table(need_row(Intitulé="Aller au marché"), header=NEED_REQUIRED), revelateur35)

    assert (result.outcome, result.changes) == (UPDATED, ["intitulé"])


def test_empty_optional_cells_keep_what_the_need_holds(revelateur35, imported_need):
    emptied = dict.fromkeys(FULL_NEED, "")

    [result] = preview(NEEDS, needs_table(need_row(**emptied)), revelateur35)
    run_import(NEEDS, needs_table(need_row(**emptied)), user=revelateur35, filename="v2.csv")

    assert (result.outcome, result.changes) == (UNCHANGED, [])
    need = Need.objects.get()
    assert (need.target_public, need.territory_kind) == ("Personnes âgées", "rural")
    assert need_territory(need) == ("243500139", ["35051", "35238"])


def test_empty_optional_cells_keep_what_the_project_holds(revelateur35, imported_project):
    emptied = {**dict.fromkeys(FULL_PROJECT, ""), "EPCI": "", "Communes": ""}

    [result] = preview(PROJECTS, projects_table(project_row(**emptied)), revelateur35)

    assert (result.outcome, result.changes) == (UNCHANGED, [])


def test_filled_optional_cells_update_what_they_name(revelateur35, imported_need, imported_project):
    need_file = needs_table(need_row(**{**FULL_NEED, "Public concerné": "Familles", "Communes": "Rennes"}))
    project_file = projects_table(project_row(**{**FULL_PROJECT, "Programme": "Incubateur", "Résumé interne": "Oui."}))

    [need_result] = run_import(NEEDS, need_file, user=revelateur35, filename="v2.csv")
    [project_result] = run_import(PROJECTS, project_file, user=revelateur35, filename="v2.csv")

    assert (need_result.outcome, need_result.changes) == (UPDATED, ["public concerné", "communes"])
    assert (project_result.outcome, project_result.changes) == (UPDATED, ["résumé interne", "programme"])
    assert need_territory(imported_need) == ("243500139", ["35238"])
    imported_project.refresh_from_db()
    assert (imported_project.programme, imported_project.internal_summary) == ("incubateur", "Oui.")


def test_kept_communes_must_lie_in_a_new_epci(revelateur35, imported_need):
    [result] = preview(NEEDS, needs_table(need_row(EPCI="Redon Agglomération", Communes="")), revelateur35)

    assert result.errors == [
        "Communes : Cesson-Sévigné, Rennes, de ce besoin, ne sont pas dans Redon Agglomération ; indiquez les "
        "communes de la ligne dans la colonne « Communes »."
    ]


def test_defaults_apply_to_new_rows_only(revelateur35, brittany):
    [result] = preview(PROJECTS, projects_table(project_row(), header=PROJECT_REQUIRED), revelateur35)

    assert (result.values["programme"], result.values["visibility"]) == ("revelateur", "internal")


# A row names its record by the « N° » of the exports.


def test_a_need_created_on_the_site_is_updated_through_its_number(revelateur35, brittany):
    need = NeedFactory(created_by=revelateur35, title="Avant", detected_on=datetime.date(2021, 3, 15))
    row = need_row(Référence="", Intitulé="Après", **{"N°": str(need.pk)})

    [result] = run_import(NEEDS, needs_table(row), user=revelateur35, filename="v2.csv")

    need.refresh_from_db()
    assert (result.outcome, result.label) == (UPDATED, f"N° {need.pk} — Après")
    assert "intitulé" in result.changes
    assert (need.title, need.reference) == ("Après", "")


def test_a_reference_given_with_a_number_becomes_the_records_reference(revelateur35, imported_need):
    imported_need.reference = ""
    imported_need.save()
    row = need_row(Référence="B-9", **FULL_NEED, **{"N°": imported_need.pk})

    [result] = run_import(NEEDS, needs_table(row), user=revelateur35, filename="v2.csv")

    imported_need.refresh_from_db()
    assert (result.changes, imported_need.reference) == (["référence"], "B-9")


def test_a_number_alone_identifies_the_row_without_a_reference_column(revelateur35, imported_need):
    header = ["N°", *NEED_REQUIRED[1:]]

    [result] = preview(NEEDS, needs_table(need_row(**{"N°": imported_need.pk}), header=header), revelateur35)

    assert (result.outcome, result.label) == (UNCHANGED, "B-2021-01 — Se déplacer sans voiture")


@pytest.mark.parametrize("whose", ["another structure", "unknown", "not a number", "a superscript"])
def test_a_number_that_names_no_need_of_the_structure_is_an_error(revelateur35, revelateur29, brittany, whose):
    other = NeedFactory(created_by=revelateur29, department_id="29")
    number = {
        "another structure": str(other.pk),
        "unknown": str(other.pk + 100),
        "not a number": "douze",
        "a superscript": "²",
    }[whose]

    [result] = preview(NEEDS, needs_table(need_row(Référence="", **{"N°": number})), revelateur35)

    assert result.outcome == ERROR
    assert result.errors == [
        f"N° : aucun besoin de votre structure ne porte le numéro « {number} ». Seules les fiches de votre structure "
        "s'importent : retirez cette ligne (dans une liste téléchargée de la Fabrique, filtrez d'abord par votre "
        "structure), ou videz la cellule pour créer un nouveau besoin."
    ]
    other.refresh_from_db()
    assert other.title != "Se déplacer sans voiture"


def test_a_project_number_of_another_structure_is_an_error(revelateur35, revelateur29, brittany):
    other = ProjectFactory(created_by=revelateur29, department_id="29")

    [result] = preview(PROJECTS, projects_table(project_row(Référence="", **{"N°": other.pk})), revelateur35)

    assert result.errors == [
        f"N° : aucun projet de votre structure ne porte le numéro « {other.pk} ». Seules les fiches de votre "
        "structure s'importent : retirez cette ligne (dans une liste téléchargée de la Fabrique, filtrez d'abord par "
        "votre structure), ou videz la cellule pour créer un nouveau projet."
    ]


def test_a_number_and_a_reference_of_two_records_is_an_error(revelateur35, brittany):
    first, second = NeedFactory(created_by=revelateur35), NeedFactory(created_by=revelateur35, reference="B-2")

    [result] = preview(NEEDS, needs_table(need_row(Référence="B-2", **{"N°": first.pk})), revelateur35)

    assert result.errors == [
        f"Référence : « B-2 » est celle du besoin N° {second.pk}, pas du N° {first.pk} que donne la ligne."
    ]


def test_two_rows_of_the_same_record_are_an_error(revelateur35, imported_need):
    rows = [need_row(), need_row(Référence="", **{"N°": imported_need.pk})]

    results = preview(NEEDS, needs_table(*rows), revelateur35)

    assert results[1].errors == [f"Ce besoin (N° {imported_need.pk}) figure déjà à la ligne 2."]


def test_a_new_row_needs_a_reference_or_a_number(revelateur35, brittany):
    [result] = preview(NEEDS, needs_table(need_row(Référence="")), revelateur35)

    assert result.errors == [
        "Référence : cette colonne est obligatoire (ou « N° », pour mettre à jour un besoin de la Fabrique)."
    ]


def test_a_file_without_reference_nor_number_is_refused(revelateur35, brittany):
    with pytest.raises(FileRefused, match=r"^Colonne obligatoire absente : « Référence » \(ou « N° »\)\."):
        preview(NEEDS, needs_table(need_row(), header=NEED_REQUIRED[1:]), revelateur35)


@pytest.mark.parametrize(
    ("written", "read"),
    [("'=1+2", "=1+2"), ("'-2 familles", "-2 familles"), ("'@SUM(A1)", "@SUM(A1)"), ("'Kerlann'", "'Kerlann'")],
)
def test_the_quote_an_export_puts_before_a_formula_is_taken_away(revelateur35, brittany, written, read):
    [result] = preview(NEEDS, needs_table(need_row(Intitulé=written)), revelateur35)

    assert result.values["title"] == read


# An update of a project keeps the rules of its page.


def test_the_opening_of_a_project_may_not_move_after_its_copil(revelateur35, brittany):
    copil = {"Étape": "Recherche de porteur", "Date du COPIL": "12/06/2021", "Instance du COPIL": "COPIL"}
    run_import(PROJECTS, projects_table(project_row(**copil)), user=revelateur35, filename="v1.csv")

    [after] = preview(PROJECTS, projects_table(project_row(**copil, **{"Ouvert le": "01/07/2021"})), revelateur35)
    [before] = preview(PROJECTS, projects_table(project_row(**copil, **{"Ouvert le": "01/01/2021"})), revelateur35)

    assert after.errors == [
        "Ouvert le : le 01/07/2021 suit le COPIL de ce projet, tenu le 12/06/2021 ; l'étude a été ouverte avant son "
        "COPIL."
    ]
    assert (before.outcome, before.changes) == (UPDATED, ["date d'ouverture"])


def test_a_public_project_set_back_to_internal_leaves_the_carnet_as_from_its_page(revelateur35, imported_project):
    Project.objects.filter(pk=imported_project.pk).update(visibility="public", published_at=timezone.now())
    table = projects_table(project_row(**{**FULL_PROJECT, "Visibilité": "Interne à la structure"}))

    [result] = run_import(PROJECTS, table, user=revelateur35, filename="v2.csv")

    imported_project.refresh_from_db()
    assert (result.outcome, result.changes) == (UPDATED, ["visibilité", "retrait du Carnet de projets"])
    assert (imported_project.visibility, imported_project.published_at) == ("internal", None)


def test_a_public_project_stays_public_and_published_when_its_visibility_is_not_changed(
    revelateur35, imported_project
):
    published_at = timezone.now() - datetime.timedelta(days=3)
    Project.objects.filter(pk=imported_project.pk).update(visibility="public", published_at=published_at)

    [empty] = preview(PROJECTS, projects_table(project_row(**{**FULL_PROJECT, "Visibilité": ""})), revelateur35)
    [public] = preview(PROJECTS, projects_table(project_row(**{**FULL_PROJECT, "Visibilité": "Public"})), revelateur35)

    assert (empty.outcome, public.outcome) == (UNCHANGED, UNCHANGED)
