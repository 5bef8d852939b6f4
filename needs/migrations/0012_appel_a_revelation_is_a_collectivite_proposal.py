from django.db import migrations


def merge_call_into_collectivite(apps, schema_editor):
    """Give the needs typed with the origin « Appel à révélation » the one origin of a collectivité's proposal."""
    Need = apps.get_model("needs", "Need")
    Need.objects.filter(source="call").update(source="collectivite")


class Migration(migrations.Migration):
    dependencies = [("needs", "0011_need_public_reason")]

    # The two origins had one meaning: going back cannot tell which of them a need had, so it leaves them merged.
    operations = [migrations.RunPython(merge_call_into_collectivite, migrations.RunPython.noop)]
