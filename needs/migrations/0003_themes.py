from django.db import migrations

# The themes seen in the field; administrators edit the list afterwards.
THEMES = [
    "Bien-vieillir",
    "Mobilité",
    "Alimentation durable",
    "Commerce et services de proximité",
    "Santé et handicap",
    "Insertion et emploi",
    "Lien social et tiers-lieux",
    "Économie circulaire et réemploi",
    "Habitat",
    "Culture",
    "Agriculture et circuits courts",
    "Numérique",
    "Enfance-jeunesse",
    "Transition énergétique",
]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("needs", "Theme")
    for name in THEMES:
        Theme.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("needs", "0002_initial")]

    operations = [migrations.RunPython(create_themes, migrations.RunPython.noop)]
