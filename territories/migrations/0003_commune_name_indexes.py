from django.db import migrations

# The communes' names, indexed for the commune fields over all of France (35,000 communes): the key a name is
# compared by (`name__squash`: exact, and by its first letters on a miss), and the trigrams of the folded name that
# the suggestions search in (`name__fold__contains`). The expressions are those the queries compile to.
INDEXES = {
    "territories_commune_name_key": "btree (regexp_replace(lower(fabrique_unaccent(name::text)), '[^[:alnum:]]', '', "
    "'g') text_pattern_ops)",
    "territories_commune_name_trigrams": "gin (lower(fabrique_unaccent(name::text)) gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON territories_commune USING {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    """PostgreSQL only: SQLite reads the few communes a local run holds (Brittany's 1,202)."""

    dependencies = [("territories", "0002_commune_siren"), ("fabrique", "0004_search_functions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
