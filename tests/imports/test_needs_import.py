import datetime

import pytest
from django.db.models import F

from imports.columns import NEEDS
from imports.importers import ImportHasErrors, preview, run_import
from imports.needs import NeedImporter
from imports.reading import FileRefused, read_table
from imports.rows import ERROR, NEW, UNCHANGED, UPDATED
from needs.models import Need, NeedEvent
from tests.imports.conftest import HEADERS, csv_bytes, need_row, xlsx_bytes
from tests.needs.factories import NeedFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def table_of(*rows, header=None):
    return read_table("besoins.csv", csv_bytes(header or HEADERS["besoins"], rows))


def test_it_previews_a_new_need_and_writes_nothing(revelateur35, brittany):
    [result] = preview(NEEDS, table_of(need_row()), revelateur35)

    assert (result.line, result.outcome, result.errors) == (2, NEW, [])
    assert result.label == "B-2021-01 — Se déplacer sans voiture"
    assert not Need.objects.exists()


def test_it_imports_a_need_with_its_dates_territory_themes_and_history(revelateur35, brittany):
    run_import(NEEDS, table_of(need_row(Statut="qualifié")), user=revelateur35, filename="besoins 2021.csv")

    need = Need.objects.get()
    assert need.structure == revelateur35.structure
    assert need.reference == "B-2021-01"
    assert need.detected_on == datetime.date(2021, 3, 15)
    assert need.status == Need.Status.QUALIFIED
    assert need.department_id == "35"
    assert sorted(need.communes.values_list("code", flat=True)) == ["35051", "35238"]
    assert list(need.themes.values_list("name", flat=True)) == ["Mobilité"]
    event = need.events.get()
    assert (event.kind, event.by, event.to_status) == (NeedEvent.Kind.IMPORTED, revelateur35, "qualified")
    assert event.comment == (f"Importé par {revelateur35} depuis le tableur. Fichier « besoins 2021.csv », ligne 2.")


def test_importing_the_same_file_twice_changes_nothing_the_second_time(revelateur35, brittany):
    table = table_of(need_row(), need_row(Référence="B-2021-02", Intitulé="Un autre besoin"))
    run_import(NEEDS, table, user=revelateur35, filename="besoins.csv")
    before = list(Need.objects.order_by("pk").values())

    results = run_import(NEEDS, table, user=revelateur35, filename="besoins.csv")

    assert [result.outcome for result in results] == [UNCHANGED, UNCHANGED]
    assert list(Need.objects.order_by("pk").values()) == before
    assert NeedEvent.objects.count() == 2


def test_a_row_with_a_known_reference_updates_the_need_and_says_what_changed(revelateur35, brittany):
    run_import(NEEDS, table_of(need_row()), user=revelateur35, filename="v1.csv")
    changed = table_of(need_row(Intitulé="Aller au marché sans voiture", Communes="Rennes"))

    [result] = preview(NEEDS, changed, revelateur35)
    assert (result.outcome, result.changes) == (UPDATED, ["intitulé", "communes"])
    run_import(NEEDS, changed, user=revelateur35, filename="v2.csv")

    need = Need.objects.get()
    assert need.title == "Aller au marché sans voiture"
    assert list(need.communes.values_list("code", flat=True)) == ["35238"]
    assert need.version == 2
    assert need.events.first().comment == (
        f"Mis à jour par {revelateur35} depuis le tableur (intitulé, communes). Fichier « v2.csv », ligne 2."
    )


def test_another_structures_reference_does_not_match(revelateur35, revelateur29, brittany):
    NeedFactory(created_by=revelateur29, department_id="29", reference="B-2021-01")

    [result] = preview(NEEDS, table_of(need_row()), revelateur35)

    assert result.outcome == NEW


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"Communes": "Rennes, Saint-Glinglin"},
            "Commune inconnue : « Saint-Glinglin » n'est pas une commune du département Ille-et-Vilaine (35).",
        ),
        (
            {"Département": "29", "Communes": "Brest"},
            "Le département Finistère (29) n'est pas couvert par votre structure (TAg35 : 35).",
        ),
        (
            {"Détecté le": "2021/03/15"},
            "Détecté le : « 2021/03/15 » n'est pas une date au format JJ/MM/AAAA ou AAAA-MM-JJ.",
        ),
        ({"Détecté le": "31/02/2021"}, "Détecté le : le 31/02/2021 n'existe pas dans le calendrier."),
        (
            {"Thèmes": "Mobilité, bien vieilir"},
            "Thème inconnu « bien vieilir » : vouliez-vous dire « Bien-vieillir » ?",
        ),
        ({"Thèmes": "Astronomie"}, "Thème inconnu « Astronomie »."),
        ({"Origine": "Météo"}, "Origine : « Météo » n'est pas une valeur possible ; valeurs acceptées : "),
        ({"Statut": "Écarté"}, "Motif : obligatoire pour un besoin « Écarté »."),
        ({"Intitulé": ""}, "Intitulé : cette colonne est obligatoire."),
        ({"EPCI": "Brest Métropole"}, "EPCI : « Brest Métropole » n'est pas une intercommunalité du département"),
        ({"EPCI": "Redon Agglomération"}, "Rennes ne fait pas partie de Redon Agglomération."),
        ({"Statut": "En étude"}, "Statut : un besoin « En étude » ne s'importe pas"),
        ({"Intitulé": "x" * 400}, "Intitulé : 400 caractères, pour 200 au plus."),
        ({"Description": "x" * 5001}, "Description : 5001 caractères, pour 5000 au plus."),
    ],
)
def test_it_explains_each_error_in_french_with_its_line(revelateur35, brittany, values, message):
    results = preview(NEEDS, table_of(need_row(Référence="OK"), need_row(**values)), revelateur35)

    assert results[0].outcome == NEW
    assert (results[1].line, results[1].outcome) == (3, ERROR)
    assert any(error.startswith(message) for error in results[1].errors), results[1].errors


@pytest.mark.parametrize(
    ("written", "theme"),
    [
        ("enfance jeunesse", "Enfance-jeunesse"),
        ("ENFANCE  -  JEUNESSE", "Enfance-jeunesse"),
        ("Enfance–jeunesse", "Enfance-jeunesse"),
        ("lutte contre l isolement", "Lutte contre l'isolement"),
        ("Lutte contre l’isolement", "Lutte contre l'isolement"),
        ("bien vieillir", "Bien-vieillir"),
    ],
)
def test_themes_match_without_hyphens_apostrophes_nor_repeated_spaces(revelateur35, brittany, written, theme):
    ThemeFactory(name="Enfance-jeunesse")
    ThemeFactory(name="Lutte contre l'isolement")

    [result] = preview(NEEDS, table_of(need_row(Thèmes=f"{written}, Mobilité")), revelateur35)

    assert (result.outcome, result.errors) == (NEW, [])
    assert [found.name for found in result.values["themes"]] == [theme, "Mobilité"]


def test_a_theme_that_differs_by_more_than_its_hyphens_is_still_unknown(revelateur35, brittany):
    ThemeFactory(name="Enfance-jeunesse")

    [result] = preview(NEEDS, table_of(need_row(Thèmes="enfance jeunes")), revelateur35)

    assert result.errors == ["Thème inconnu « enfance jeunes » : vouliez-vous dire « Enfance-jeunesse » ?"]


def test_a_file_with_one_row_in_error_writes_nothing(revelateur35, brittany):
    table = table_of(need_row(), need_row(Référence="B-2", Communes="Saint-Glinglin"))

    with pytest.raises(ImportHasErrors):
        run_import(NEEDS, table, user=revelateur35, filename="besoins.csv")

    assert not Need.objects.exists()
    assert not NeedEvent.objects.exists()


def test_a_reference_twice_in_the_file_is_an_error(revelateur35, brittany):
    results = preview(NEEDS, table_of(need_row(), need_row()), revelateur35)

    assert results[1].errors == ["La référence « B-2021-01 » figure déjà à la ligne 2."]


def test_territories_are_given_by_insee_code_or_by_name_with_their_department(revelateur35, brittany):
    rows = [
        need_row(Référence="1", Département="Ille-et-Vilaine", Communes="35238"),
        need_row(Référence="2", Département="ille et vilaine (35)", EPCI="243500139", Communes="Cesson-Sevigne"),
        need_row(Référence="3", Département="35", Communes="Rennes (35238), Redon (35)"),
    ]
    run_import(NEEDS, table_of(*rows), user=revelateur35, filename="besoins.csv")

    communes = {need.reference: sorted(need.communes.values_list("code", flat=True)) for need in Need.objects.all()}
    assert communes == {"1": ["35238"], "2": ["35051"], "3": ["35236", "35238"]}
    assert Need.objects.get(reference="2").epci_id == "243500139"


def test_dates_are_read_in_french_iso_or_as_date_cells(revelateur35, brittany):
    rows = [
        need_row(Référence="1", **{"Détecté le": "5/1/2022"}),
        need_row(Référence="2", **{"Détecté le": "2022-01-06 00:00:00"}),
        need_row(Référence="3", **{"Détecté le": datetime.datetime(2022, 1, 7)}),
    ]
    table = read_table("besoins.xlsx", xlsx_bytes(HEADERS["besoins"], rows))
    run_import(NEEDS, table, user=revelateur35, filename="besoins.xlsx")

    dates = dict(Need.objects.values_list("reference", "detected_on"))
    assert dates == {"1": datetime.date(2022, 1, 5), "2": datetime.date(2022, 1, 6), "3": datetime.date(2022, 1, 7)}


def test_a_status_changed_since_the_need_was_imported_is_not_overwritten(revelateur35, brittany):
    run_import(NEEDS, table_of(need_row()), user=revelateur35, filename="besoins.csv")
    Need.objects.get().qualify(by=revelateur35)

    [same_file] = preview(NEEDS, table_of(need_row()), revelateur35)
    [says_detected] = preview(NEEDS, table_of(need_row(Statut="Détecté")), revelateur35)

    assert same_file.outcome == UNCHANGED
    assert says_detected.errors == [
        "Statut : ce besoin est « Qualifié » dans la Fabrique et « Détecté » dans le fichier ; un changement de "
        "statut se fait depuis la page du besoin, où il est tracé."
    ]


def test_a_need_changed_between_the_check_and_the_write_makes_the_import_write_nothing(
    revelateur35, brittany, monkeypatch
):
    run_import(NEEDS, table_of(need_row()), user=revelateur35, filename="v1.csv")
    compare = NeedImporter.compare

    def compare_then_someone_edits(self, result):
        compare(self, result)
        if result.existing:
            Need.objects.filter(pk=result.existing.pk).update(version=F("version") + 1)

    monkeypatch.setattr(NeedImporter, "compare", compare_then_someone_edits)
    table = table_of(need_row(Intitulé="Nouveau titre"), need_row(Référence="B-2"))

    with pytest.raises(FileRefused, match="Des fiches de ce fichier viennent d'être modifiées par ailleurs"):
        run_import(NEEDS, table, user=revelateur35, filename="v2.csv")

    assert list(Need.objects.values_list("reference", "title")) == [("B-2021-01", "Se déplacer sans voiture")]


def test_a_database_failure_on_the_last_row_writes_nothing(revelateur35, brittany, monkeypatch):
    run_import(NEEDS, table_of(need_row(Intitulé="Avant")), user=revelateur35, filename="v1.csv")
    history = NeedImporter.history

    def history_failing_on_the_last_row(self, need, *, by, now, comment):
        event = history(self, need, by=by, now=now, comment=comment)
        if "ligne 4" in comment:
            event.kind = "unknown"  # the database's check constraint refuses it
        return event

    monkeypatch.setattr(NeedImporter, "history", history_failing_on_the_last_row)
    table = table_of(need_row(Intitulé="Après"), need_row(Référence="B-2"), need_row(Référence="B-3"))

    with pytest.raises(FileRefused, match="rien n'a été importé"):
        run_import(NEEDS, table, user=revelateur35, filename="v2.csv")

    assert list(Need.objects.values_list("reference", "title", "version")) == [("B-2021-01", "Avant", 1)]
    assert NeedEvent.objects.count() == 1


def test_rows_changing_different_fields_each_write_their_own_changes(revelateur35, brittany):
    rows = [need_row(Référence=f"B-{number}") for number in range(3)]
    run_import(NEEDS, table_of(*rows), user=revelateur35, filename="v1.csv")
    changed = table_of(
        need_row(Référence="B-0", Intitulé="Autre titre"),
        need_row(Référence="B-1", Thèmes="Mobilité, Bien-vieillir"),
        need_row(Référence="B-2", EPCI="Redon Agglomération", Communes="Redon", **{"Détecté le": "01/01/2020"}),
    )

    results = run_import(NEEDS, changed, user=revelateur35, filename="v2.csv")

    assert [result.changes for result in results] == [
        ["intitulé"],
        ["thèmes"],
        ["date de détection", "EPCI", "communes"],
    ]
    needs = {
        need.reference: need for need in Need.objects.prefetch_related("themes", "communes").order_by("reference")
    }
    assert [(need.title, need.detected_on, need.epci_id, need.version) for need in needs.values()] == [
        ("Autre titre", datetime.date(2021, 3, 15), None, 2),
        ("Se déplacer sans voiture", datetime.date(2021, 3, 15), None, 2),
        ("Se déplacer sans voiture", datetime.date(2020, 1, 1), "243500741", 2),
    ]
    assert [sorted(theme.name for theme in need.themes.all()) for need in needs.values()] == [
        ["Mobilité"],
        ["Bien-vieillir", "Mobilité"],
        ["Mobilité"],
    ]
    assert [sorted(commune.code for commune in need.communes.all()) for need in needs.values()] == [
        ["35051", "35238"],
        ["35051", "35238"],
        ["35236"],
    ]


@pytest.mark.parametrize("written", ["Appel à révélation (collectivité)", "Collectivité", "appel a revelation"])
def test_it_reads_the_old_labels_of_a_collectivites_proposal_as_its_one_origin(revelateur35, brittany, written):
    run_import(NEEDS, table_of(need_row(Origine=written)), user=revelateur35, filename="besoins.csv")

    assert Need.objects.get().source == Need.Source.COLLECTIVITE
