from django.utils.functional import SimpleLazyObject


def _catalog_url():
    from courses.models import CatalogPage

    catalog = CatalogPage.objects.live().only("url_path").first()
    return catalog.url if catalog else "/"


def site_links(request):
    # Lazy: costs a query only on pages that render the link.
    return {"catalog_url": SimpleLazyObject(_catalog_url)}
