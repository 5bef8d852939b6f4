from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def create_immutable_unaccent(apps, schema_editor):
    """Create fabrique_unaccent(text): unaccent() with its dictionary named, so that PostgreSQL may index what it
    returns (unaccent() itself may not be, as its result depends on the search path)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
        (schema,) = cursor.fetchone()
        schema = connection.ops.quote_name(schema)
        cursor.execute(
            "CREATE OR REPLACE FUNCTION fabrique_unaccent(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, $1) $$"
        )


def drop_immutable_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS fabrique_unaccent(text)")


class Migration(migrations.Migration):
    """The functions that let PostgreSQL index searches: an indexable unaccent, and trigrams for « contains »."""

    dependencies = [("fabrique", "0003_user_organization_and_more")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_immutable_unaccent, drop_immutable_unaccent),
    ]
