"""Random bytes and random CSV never crash the importer and never write: the file is refused, or its rows are."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imports.columns import KINDS
from imports.importers import ImportHasErrors, preview, run_import
from imports.reading import FileRefused, read_table
from needs.models import Need, NeedEvent
from partners.models import Organization
from projects.models import Project
from tests.imports.conftest import HEADERS

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def written():
    return (Need.objects.count(), NeedEvent.objects.count(), Project.objects.count(), Organization.objects.count())


def import_or_refuse(kind, name, data, user):
    """Run the whole import of a file; return how it was refused ("file", "rows") or "imported"."""
    try:
        table = read_table(name, data)
        preview(kind, table, user)
        run_import(kind, table, user=user, filename=name)
    except FileRefused as refusal:
        assert str(refusal)
        return "file"
    except ImportHasErrors as refusal:
        assert all(result.errors for result in refusal.results if result.outcome == "error")
        return "rows"
    return "imported"


@FUZZ
@given(
    data=st.binary(max_size=4096),
    name=st.sampled_from(["besoins.csv", "besoins.xlsx", "besoins.txt"]),
    kind=st.sampled_from(list(KINDS)),
)
def test_random_bytes_are_refused_without_writing(revelateur35, brittany, data, name, kind):
    before = written()

    assert import_or_refuse(KINDS[kind], name, data, revelateur35) in ("file", "rows")

    assert written() == before


def zip_prefixed(data):
    return b"PK\x03\x04" + data


@FUZZ
@given(data=st.binary(max_size=2048).map(zip_prefixed), kind=st.sampled_from(list(KINDS)))
def test_random_bytes_named_xlsx_and_starting_as_a_zip_are_refused(revelateur35, brittany, data, kind):
    before = written()

    assert import_or_refuse(KINDS[kind], "besoins.xlsx", data, revelateur35) == "file"

    assert written() == before


cells = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["35", "29", "Rennes", "35238", "mobilite", "15/03/2021", "2021-13-45", "Habitants", "Arrêté", ""]
    ),
)


@FUZZ
@given(
    kind=st.sampled_from(list(KINDS)),
    rows=st.lists(st.lists(cells, max_size=20), min_size=1, max_size=8),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_random_csv_under_the_right_header_never_crashes_nor_writes(
    revelateur35, brittany, kind, rows, delimiter, encoding
):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(HEADERS[kind])
    writer.writerows(rows)
    try:
        data = text.getvalue().encode(encoding)
    except UnicodeEncodeError:
        data = text.getvalue().encode("utf-8")
    before = written()

    outcome = import_or_refuse(KINDS[kind], f"{kind}.csv", data, revelateur35)

    # Random cells never make a valid row here: each kind needs a theme, a type or a date that random text misses.
    assert outcome in ("file", "rows")
    assert written() == before
