from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """PostgreSQL's unaccent() serves searches that ignore accents (fabrique/search.py); SQLite needs nothing."""

    dependencies = [("fabrique", "0001_initial")]

    operations = [UnaccentExtension()]
