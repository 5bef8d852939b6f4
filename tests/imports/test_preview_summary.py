"""The preview reads the file row by row and tells what the import would do briefly: the count of each outcome, the
rows in error and the new or updated rows up to a limit, never the unchanged rows one by one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import importers, views
from imports.columns import NEEDS
from imports.importers import preview, run_import
from imports.reading import FileRefused, read_table
from tests.imports.conftest import HEADERS, csv_bytes, need_row

pytestmark = pytest.mark.django_db

HEADER_LINE = ";".join(HEADERS["besoins"]).encode()


def preview_page(client, rows):
    response = client.post(
        "/import/", {"kind": "besoins", "file": SimpleUploadedFile("besoins.csv", csv_bytes(HEADERS["besoins"], rows))}
    )
    assert response.status_code == 302, response.context["form"].errors
    return client.get(response.url)


def test_the_preview_counts_the_unchanged_rows_without_listing_them(client, revelateur35, brittany):
    client.force_login(revelateur35)
    rows = [need_row(Référence=f"B-{number}") for number in range(3)]
    run_import(NEEDS, read_table("besoins.csv", csv_bytes(HEADERS["besoins"], rows)), user=revelateur35, filename="v1")
    rows[1]["Intitulé"] = "Aller au marché"

    page = preview_page(client, rows)

    assert [(row.line, row.outcome) for row in page.context["others"]] == [(3, "updated")]
    assert page.context["unchanged"] == 2
    assert "2 lignes ne changent rien à la Fabrique : elles ne sont pas listées." in " ".join(
        page.content.decode().split()
    )


def test_the_preview_lists_the_new_rows_up_to_its_limit_and_counts_the_others(
    client, revelateur35, brittany, monkeypatch
):
    monkeypatch.setattr(views, "PREVIEW_ROWS", 2)
    client.force_login(revelateur35)

    page = preview_page(client, [need_row(Référence=f"B-{number}") for number in range(5)])

    assert [row.line for row in page.context["others"]] == [2, 3]
    assert page.context["counts"][0] == ("new", "Nouveau", 5)
    content = " ".join(page.content.decode().split())
    assert "… et 3 autres fiches créées ou mises à jour." in content
    assert "Confirmer l'import" in content


def test_the_preview_lists_the_rows_in_error_up_to_its_limit_and_counts_the_others(
    client, revelateur35, brittany, monkeypatch
):
    monkeypatch.setattr(views, "PREVIEW_ROWS", 1)
    client.force_login(revelateur35)
    rows = [need_row(Référence=f"B-{number}", Département="99") for number in range(3)]

    page = preview_page(client, [need_row(), *rows])

    content = " ".join(page.content.decode().split())
    assert [row.line for row in page.context["errors"]] == [3]
    assert "3 lignes en erreur : le fichier ne peut pas être importé." in content
    assert "… et 2 autres lignes en erreur, à corriger aussi." in content
    assert "Confirmer l'import" not in content


def test_the_rows_listed_keep_only_what_the_page_shows(client, revelateur35, brittany):
    client.force_login(revelateur35)

    page = preview_page(client, [need_row()])

    [row] = page.context["others"]
    assert (row.label, row.outcome, row.values, row.existing) == (
        "B-2021-01 — Se déplacer sans voiture",
        "new",
        {},
        None,
    )


def test_a_streamed_table_reads_its_rows_as_they_are_consumed():
    data = HEADER_LINE + b"\r\nB-1;Un\r\n" + b'B-2;"Deux\r\n'

    table = read_table("besoins.csv", data, stream=True)

    assert next(iter(table.rows)) == (2, ["B-1", "Un"])
    with pytest.raises(FileRefused, match="mal formé vers la ligne 3"):
        list(table.rows)


def test_a_streamed_table_refuses_its_10_001st_row_when_it_comes_to_it():
    table = read_table("besoins.csv", HEADER_LINE + b"\r\n" + b"x;y\r\n" * 10_001, stream=True)

    with pytest.raises(FileRefused, match="plus de 10 000 lignes"):
        for _row in table.rows:
            pass


def test_each_batch_of_rows_finds_the_needs_it_names(revelateur35, brittany, monkeypatch):
    monkeypatch.setattr(importers, "BATCH_SIZE", 2)
    rows = [need_row(Référence=f"B-{number}") for number in range(5)]
    run_import(NEEDS, read_table("besoins.csv", csv_bytes(HEADERS["besoins"], rows)), user=revelateur35, filename="v1")
    rows[4]["Intitulé"] = "Aller au marché"
    # The same need twice, in two batches: the second is refused all the same.
    rows.append(need_row(Référence="B-0"))

    results = preview(NEEDS, read_table("besoins.csv", csv_bytes(HEADERS["besoins"], rows)), revelateur35)

    assert [result.outcome for result in results] == ["unchanged"] * 4 + ["updated", "error"]
    assert results[-1].errors == ["La référence « B-0 » figure déjà à la ligne 2."]


@pytest.mark.parametrize("count", [1, 5])
def test_checking_rows_reads_the_needs_they_name_once_per_batch(
    revelateur35, brittany, monkeypatch, django_assert_num_queries, count
):
    monkeypatch.setattr(importers, "BATCH_SIZE", 5)
    rows = [need_row(Référence=f"B-{number}") for number in range(count)]
    run_import(NEEDS, read_table("besoins.csv", csv_bytes(HEADERS["besoins"], rows)), user=revelateur35, filename="v1")
    table = read_table("besoins.csv", csv_bytes(HEADERS["besoins"], rows))
    importer, results = importers.checked_rows(NEEDS, table, revelateur35)

    # 1 the needs the batch names, 2 their themes, 3 their communes
    with django_assert_num_queries(3):
        assert {result.outcome for result in results} == {"unchanged"}
