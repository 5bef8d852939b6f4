"""Running an admin action as the change list's form does, and reading the file an export action returns."""

import csv
import io

from openpyxl import load_workbook

from tests.downloads import content_of


def run_action(client, path, action, selected=(), *, select_across=False):
    """Post the change list's action form: `selected` primary keys, or (`select_across`) every row the filters of
    `path` keep, as « Sélectionner les N » does: the rows of the page ticked, and the flag set."""
    data = {"action": action, "index": 0, "_selected_action": [str(pk) for pk in selected]}
    if select_across:
        data["select_across"] = "1"
    return client.post(path, data)


def select_all(client, path, action):
    """Open the list at `path`, tick its page, choose « Sélectionner tous les … » and run `action`."""
    page = client.get(path).context["cl"].result_list
    return run_action(client, path, action, [row.pk for row in page], select_across=True)


def csv_rows(response):
    content = content_of(response).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def csv_table(response):
    """Return the rows of a CSV export as dictionaries keyed by the French column names."""
    header, *rows = csv_rows(response)
    return [dict(zip(header, row, strict=True)) for row in rows]


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(content_of(response))).active


def exported_rows(response):
    """Return the rows of a CSV or XLSX export, its header first, as lists of cells."""
    if response["Content-Type"].startswith("text/csv"):
        return csv_rows(response)
    return [list(row) for row in xlsx_sheet(response).values]
