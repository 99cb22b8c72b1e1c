"""The content locales besides English: Russian and Arabic page trees hang off them."""

from django.db import migrations

LANGUAGE_CODES = ["ru", "ar"]


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore.Locale")
    for code in LANGUAGE_CODES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    dependencies = [("home", "0002_create_homepage"), ("wagtailcore", "__latest__")]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
