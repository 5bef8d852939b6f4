from django.db import migrations

# The catalogue's search (projects/filters.py: search_projects), indexed: its French stemmed vector, and trigrams of
# the folded title and public summary for « contains ». The expressions are those the queries compile to.
INDEXES = {
    "projects_project_search": "gin (to_tsvector('french'::regconfig, "
    "COALESCE(fabrique_unaccent(title::text), '') || ' ' || COALESCE(fabrique_unaccent(public_summary), '')))",
    "projects_project_title_trigrams": "gin (lower(fabrique_unaccent(title::text)) gin_trgm_ops)",
    "projects_project_summary_trigrams": "gin (lower(fabrique_unaccent(public_summary)) gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON projects_project USING {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    """PostgreSQL only: SQLite searches the few rows a local run holds."""

    dependencies = [("projects", "0005_list_indexes"), ("fabrique", "0004_search_functions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
