import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from imports.columns import NEEDS, PROJECTS
from imports.importers import run_import
from imports.reading import read_table
from needs.models import Need, NeedEvent
from projects.models import Project, ProjectEvent
from tests.fabrique.factories import UserFactory
from tests.imports.conftest import HEADERS, csv_bytes, need_row, project_row, xlsx_bytes
from tests.needs.factories import NeedFactory

pytestmark = pytest.mark.django_db


def upload(client, name, data, kind="besoins"):
    return client.post("/import/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("revelateur35", 200),
        ("collectivite", 404),
        ("avise", 404),
        ("admin", 404),
    ],
)
def test_only_a_revelateur_reaches_the_import(client, cast, who, status):
    if cast[who]:
        client.force_login(cast[who])

    assert client.get("/import/").status_code == status
    assert client.get("/import/modele/besoins.csv").status_code == status


def test_the_page_explains_each_column_in_french(client, revelateur35):
    client.force_login(revelateur35)

    page = client.get("/import/").content.decode()

    for column in NEEDS.columns:
        assert f'<th scope="row">{column.name}</th>' in page.replace("&#x27;", "'")
    assert "Détecté le" in page and "Au format JJ/MM/AAAA (15/03/2021)" in page


def test_the_csv_template_names_the_columns_on_its_first_line(client, revelateur35):
    client.force_login(revelateur35)

    response = client.get("/import/modele/projets.csv")

    assert response["Content-Disposition"] == 'attachment; filename="modele-import-projets.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text == "\ufeff" + ";".join(HEADERS["projets"]) + "\r\n"


def test_the_xlsx_template_explains_the_columns_on_a_second_sheet(client, revelateur35):
    client.force_login(revelateur35)

    response = client.get("/import/modele/organisations.xlsx")

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Organisations", "Colonnes"]
    header = [cell.value for cell in workbook["Organisations"][1]]
    assert header == HEADERS["organisations"]
    assert workbook["Organisations"]["A1"].comment.text == "Obligatoire. Le nom de l'organisation."
    guide = list(workbook["Colonnes"].iter_rows(values_only=True))
    assert guide[0] == ("Colonne", "Obligatoire", "Contenu", "Exemple")
    assert guide[3][:2] == ("SIREN", "non")


def test_an_unknown_template_is_404(client, revelateur35):
    client.force_login(revelateur35)

    assert client.get("/import/modele/contacts.csv").status_code == 404
    assert client.get("/import/modele/besoins.ods").status_code == 404


def test_upload_preview_then_confirm_imports_the_file(client, revelateur35, brittany, private_root):
    client.force_login(revelateur35)
    data = xlsx_bytes(HEADERS["besoins"], [need_row(), need_row(Référence="B-2", Intitulé="Un autre")])

    response = upload(client, "besoins 2021.xlsx", data)
    preview_url = response.url
    page = client.get(preview_url)

    assert page.context["counts"] == [
        ("new", "Nouveau", 2),
        ("updated", "Mis à jour", 0),
        ("unchanged", "Inchangé", 0),
        ("error", "En erreur", 0),
    ]
    assert "Confirmer l'import" in page.content.decode()
    assert not Need.objects.exists()

    response = client.post(preview_url + "confirmer/", follow=True)

    assert sorted(Need.objects.values_list("reference", flat=True)) == ["B-2", "B-2021-01"]
    assert (
        "Import des besoins du fichier « besoins 2021.xlsx » terminé : 2 fiches créées, 0 fiche mise à jour, "
        "0 fiche inchangée." in response.content.decode()
    )
    # The file waited in the private storage until the confirmation, not after.
    assert not [path for path in Path(private_root).rglob("*") if path.is_file()]


def test_a_second_confirmation_changes_nothing(client, revelateur35, brittany):
    client.force_login(revelateur35)
    preview_url = upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], [need_row()])).url
    client.post(preview_url + "confirmer/")
    before = (list(Need.objects.values()), NeedEvent.objects.count())

    response = client.post(preview_url + "confirmer/", follow=True)

    assert "Cet import a déjà été confirmé" in response.content.decode()
    assert (list(Need.objects.values()), NeedEvent.objects.count()) == before


def test_a_file_with_errors_shows_them_by_line_and_cannot_be_confirmed(client, revelateur35, brittany):
    client.force_login(revelateur35)
    rows = [need_row(), need_row(Référence="B-2", Thèmes="mobilté", **{"Détecté le": "2021.03.15"})]
    preview_url = upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], rows)).url

    page = client.get(preview_url)
    content = page.content.decode()

    assert [(row.line, row.errors) for row in page.context["errors"]] == [
        (
            3,
            [
                "Thème inconnu « mobilté » : vouliez-vous dire « Mobilité » ?",
                "Détecté le : « 2021.03.15 » n'est pas une date au format JJ/MM/AAAA ou AAAA-MM-JJ.",
            ],
        )
    ]
    assert "1 ligne en erreur : le fichier ne peut pas être importé." in content
    assert "Corrigez-la dans votre tableur" in content
    assert "Confirmer" not in content

    response = client.post(preview_url + "confirmer/")

    assert response.status_code == 200
    assert "Des lignes sont en erreur : rien n&#x27;a été importé." in response.content.decode()
    assert not Need.objects.exists()


def test_someone_elses_preview_is_404(client, revelateur35, brittany):
    client.force_login(revelateur35)
    preview_url = upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], [need_row()])).url
    other = UserFactory(email="autre35@fabrique.test", structure=revelateur35.structure)
    client.force_login(other)

    assert client.get(preview_url).status_code == 404
    assert client.post(preview_url + "confirmer/").status_code == 302
    assert not Need.objects.exists()


def test_the_preview_reads_a_fixed_number_of_queries(client, revelateur35, brittany, django_assert_num_queries):
    client.force_login(revelateur35)

    def preview_of(count):
        rows = [need_row(Référence=f"B-{number}") for number in range(count)]
        return upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], rows)).url

    for count in (1, 30):
        url = preview_of(count)
        # 1 session, 2 user, 3 their structure, 4 themes, 5 départements, 6 the structure's départements,
        # 7 their communes, 8 their EPCI, 9 the structure's needs (none yet: nothing to prefetch)
        with django_assert_num_queries(9):
            assert client.get(url).status_code == 200


def test_the_preview_of_known_rows_reads_a_fixed_number_of_queries(
    client, revelateur35, brittany, django_assert_num_queries
):
    client.force_login(revelateur35)
    for count in (1, 30):
        data = csv_bytes(HEADERS["besoins"], [need_row(Référence=f"B-{number}") for number in range(count)])
        run_import(NEEDS, read_table("besoins.csv", data), user=revelateur35, filename="besoins.csv")
        url = upload(client, "besoins.csv", data).url
        # 1 session, 2 user, 3 their structure, 4 themes, 5 départements, 6 the structure's départements,
        # 7 their communes, 8 their EPCI, 9 the structure's needs, 10 their themes, 11 their communes
        with django_assert_num_queries(11):
            page = client.get(url)
        assert page.context["counts"][2] == ("unchanged", "Inchangé", count)


def test_the_preview_of_projects_named_by_their_number_reads_a_fixed_number_of_queries(
    client, revelateur35, brittany, django_assert_num_queries
):
    client.force_login(revelateur35)
    for count in (1, 30):
        rows = [project_row(Référence=f"P-{number}") for number in range(count)]
        run_import(PROJECTS, read_table("p.csv", csv_bytes(HEADERS["projets"], rows)), user=revelateur35, filename="p")
        numbers = Project.objects.order_by("pk").values_list("pk", flat=True)
        # Empty EPCI and communes cells keep the projects' own, read with them.
        rows = [project_row(Référence="", EPCI="", Communes="", **{"N°": number}) for number in numbers]
        url = upload(client, "projets.csv", csv_bytes(HEADERS["projets"], rows), kind="projets").url
        # 1 session, 2 user, 3 their structure, 4 themes, 5 départements, 6 the structure's départements,
        # 7 their communes, 8 their EPCI, 9 the structure's projects with their EPCI and the day of their first
        # COPIL, 10 their themes, 11 their communes
        with django_assert_num_queries(11):
            page = client.get(url)
        assert page.context["counts"][2] == ("unchanged", "Inchangé", count)


def test_a_new_upload_replaces_the_pending_one(client, revelateur35, brittany, private_root):
    client.force_login(revelateur35)
    first = upload(client, "v1.csv", csv_bytes(HEADERS["besoins"], [need_row()])).url
    second = upload(client, "v2.csv", csv_bytes(HEADERS["besoins"], [need_row()])).url

    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert len([path for path in Path(private_root).rglob("*") if path.is_file()]) == 1


COMMON_QUERIES = (
    # 1 session, 2 user, 3 savepoint, 4 the structure locked, 5 the user's structure, 6 themes, 7 départements,
    # 8 the structure's départements, 9 their communes, 10 their EPCI, 11 the structure's records
    11
)
SAVE_SESSION = 3  # savepoint, the session saved, release


@pytest.mark.parametrize("count", [1, 30])
def test_confirming_new_rows_writes_a_fixed_number_of_queries(
    client, revelateur35, brittany, django_assert_num_queries, count
):
    client.force_login(revelateur35)
    rows = [need_row(Référence=f"B-{number}") for number in range(count)]
    url = upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], rows)).url

    # + 1 the needs, 2 their themes, 3 their communes, 4 their history, 5 release the savepoint
    with django_assert_num_queries(COMMON_QUERIES + 5 + SAVE_SESSION):
        client.post(url + "confirmer/")

    assert Need.objects.count() == count


@pytest.mark.parametrize("count", [1, 30])
def test_confirming_updated_rows_writes_a_fixed_number_of_queries(
    client, revelateur35, brittany, django_assert_num_queries, count
):
    client.force_login(revelateur35)
    rows = [need_row(Référence=f"B-{number}") for number in range(count)]
    data = csv_bytes(HEADERS["besoins"], rows)
    run_import(NEEDS, read_table("besoins.csv", data), user=revelateur35, filename="v1.csv")
    rows = [need_row(Référence=f"B-{number}", Intitulé="Autre", Communes="Rennes") for number in range(count)]
    url = upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], rows)).url

    # + 1 their themes, 2 their communes (prefetched), 3 the needs locked with their version, 4 the changed column
    # (the title) written, 5 their version and date of change, 6 the communes deleted, 7 written again (the themes,
    # unchanged, are left alone), 8 their history, 9 release the savepoint
    with django_assert_num_queries(COMMON_QUERIES + 9 + SAVE_SESSION):
        client.post(url + "confirmer/")

    assert set(Need.objects.values_list("title", "version")) == {("Autre", 2)}
    assert set(Need.objects.values_list("communes", flat=True)) == {"35238"}
    assert Need.objects.filter(themes__name="Mobilité").count() == count


@pytest.mark.parametrize("count", [1, 30])
def test_confirming_new_projects_with_their_history_writes_a_fixed_number_of_queries(
    client, revelateur35, brittany, django_assert_num_queries, count
):
    client.force_login(revelateur35)
    rows = [
        project_row(
            Référence=f"P-{number}",
            Étape="Recherche de porteur",
            État="Arrêté",
            **{
                "Motif de l'arrêt": "Pas de porteur.",
                "Arrêté le": "01/02/2022",
                "Date du COPIL": "12/06/2021",
                "Instance du COPIL": "COPIL",
            },
        )
        for number in range(count)
    ]
    url = upload(client, "projets.csv", csv_bytes(HEADERS["projets"], rows), kind="projets").url

    # + 1 the projects, 2 their themes, 3 their communes, 4 their COPIL decisions, 5 their moves and stops,
    # 6 their « Import » lines, 7 release the savepoint
    with django_assert_num_queries(COMMON_QUERIES + 7 + SAVE_SESSION):
        client.post(url + "confirmer/")

    assert ProjectEvent.objects.count() == 3 * count


@pytest.mark.parametrize("token", ["..", "...%2F..%2Fsettings", "imports%2F1%2Fx", "inconnu"])
def test_a_forged_token_is_404_and_confirms_nothing(client, revelateur35, brittany, token):
    client.force_login(revelateur35)
    upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], [need_row()]))

    assert client.get(f"/import/apercu/{token}/").status_code == 404
    client.post(f"/import/apercu/{token}/confirmer/")
    assert not Need.objects.exists()


def test_another_user_cannot_confirm_a_preview_even_with_its_token(client, revelateur35, brittany):
    client.force_login(revelateur35)
    preview_url = upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], [need_row()])).url
    other = UserFactory(email="autre35@fabrique.test", structure=revelateur35.structure)
    client.force_login(other)

    response = client.post(preview_url + "confirmer/", follow=True)

    assert "rien de plus n&#x27;a été modifié" in response.content.decode()
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("kind", "rows", "message", "link"),
    [
        (
            "besoins",
            [need_row(), need_row(Référence="B-2")],
            "2 fiches créées, 0 fiche mise à jour, 0 fiche inchangée.",
            '<a href="/besoins/?order=-updated_at">Voir les besoins, les derniers modifiés en tête</a>',
        ),
        (
            "projets",
            [project_row()],
            "1 fiche créée, 0 fiche mise à jour, 0 fiche inchangée.",
            '<a href="/projets/?structure={structure}&amp;ordering=updated">Voir les projets de votre structure, les '
            "derniers modifiés en tête</a>",
        ),
        (
            "organisations",
            [{"Nom": "Bretagne Active", "Type": "Finance solidaire"}],
            "1 fiche créée, 0 fiche mise à jour, 0 fiche inchangée.",
            '<a href="/partenaires/">Voir l&#x27;annuaire des partenaires</a>',
        ),
    ],
)
def test_the_confirmation_counts_the_records_and_links_to_their_list(
    client, revelateur35, brittany, kind, rows, message, link
):
    client.force_login(revelateur35)
    url = upload(client, f"{kind}.csv", csv_bytes(HEADERS[kind], rows), kind=kind).url

    response = client.post(url + "confirmer/", follow=True)

    content = response.content.decode()
    assert f"Import des {kind} du fichier « {kind}.csv » terminé : {message}" in content
    assert link.format(structure=revelateur35.structure_id) in content
    assert client.get(link.split('"')[1].replace("&amp;", "&")).status_code == 200


def test_the_confirmation_of_updated_needs_links_to_the_list_with_them_first(client, revelateur35, brittany):
    client.force_login(revelateur35)
    run_import(
        NEEDS, read_table("v1.csv", csv_bytes(HEADERS["besoins"], [need_row()])), user=revelateur35, filename="v1.csv"
    )
    NeedFactory(structure=revelateur35.structure, title="Un besoin saisi ailleurs")
    url = upload(client, "v2.csv", csv_bytes(HEADERS["besoins"], [need_row(Intitulé="Aller au marché")])).url

    response = client.post(url + "confirmer/", follow=True)

    assert "0 fiche créée, 1 fiche mise à jour, 0 fiche inchangée." in response.content.decode()
    listed = client.get("/besoins/?order=-updated_at").context["page"]
    assert [need.title for need in listed] == ["Aller au marché", "Un besoin saisi ailleurs"]


def test_a_file_name_cannot_slip_markup_into_the_confirmation(client, revelateur35, brittany):
    client.force_login(revelateur35)
    url = upload(client, "besoins <em>2021.csv", csv_bytes(HEADERS["besoins"], [need_row()])).url

    content = client.post(url + "confirmer/", follow=True).content.decode()

    assert "du fichier « besoins &lt;em&gt;2021.csv » terminé" in content


def test_a_pending_file_cleared_away_asks_for_the_file_again(client, revelateur35, brittany, private_root):
    client.force_login(revelateur35)
    url = upload(client, "besoins.csv", csv_bytes(HEADERS["besoins"], [need_row()])).url
    [pending] = [path for path in Path(private_root).rglob("*") if path.is_file()]
    pending.unlink()

    response = client.get(url, follow=True)

    assert response.redirect_chain == [("/import/", 302)]
    assert "Ce fichier n&#x27;est plus en attente" in response.content.decode()
    response = client.post(url + "confirmer/", follow=True)
    assert "Cet import a déjà été confirmé, ou il a expiré" in response.content.decode()
    assert not Need.objects.exists()
