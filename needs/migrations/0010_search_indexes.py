from django.db import migrations

# The needs' search (Need.objects.search), indexed: trigrams of each folded field it looks in, so that « contains »
# reads an index instead of folding every need. The expressions are those the queries compile to.
FIELDS = {
    "needs_need_title_trigrams": "title::text",
    "needs_need_description_trigrams": "description",
    "needs_need_reference_trigrams": "reference::text",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, field in FIELDS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON needs_need USING gin (lower(fabrique_unaccent({field})) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in FIELDS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    """PostgreSQL only: SQLite searches the few rows a local run holds."""

    dependencies = [("needs", "0009_epci_choices_index"), ("fabrique", "0004_search_functions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
