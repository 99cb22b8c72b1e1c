"""Replace Wagtail's placeholder welcome page with the academy's home page and make it the site root."""

from django.db import migrations


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    if HomePage.objects.exists():
        return
    root = Page.objects.get(depth=1)
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    locale = Locale.objects.order_by("pk").first()
    # Append as the root's next child by hand: historical models have no treebeard API.
    last = Page.objects.filter(depth=2).order_by("-path").first()
    number = int(last.path[4:8], 36) + 1 if last else 1
    path = root.path + _base36(number).rjust(4, "0")
    homepage = HomePage.objects.create(
        title="MKA e-class",
        draft_title="MKA e-class",
        slug="home",
        content_type=content_type,
        path=path,
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": homepage, "site_name": "MKA e-class"}
    )


def _base36(number):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, remainder = divmod(number, 36)
        out = digits[remainder] + out
    return out or "0"


class Migration(migrations.Migration):
    dependencies = [("home", "0001_initial"), ("wagtailcore", "__latest__")]

    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
