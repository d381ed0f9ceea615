"""The ISCO-08 groups and ESCO occupations shipped in jobs/data/, in every database after `migrate`."""

from django.db import migrations


def load_occupations(apps, schema_editor):
    from percorsi.jobs import occupations

    occupations.load(apps, using=schema_editor.connection.alias)


def unload_occupations(apps, schema_editor):
    from percorsi.jobs import occupations

    occupations.unload(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_occupations, unload_occupations, elidable=False),
    ]
