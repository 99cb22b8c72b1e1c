from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default="", target=None):
    """The ``next`` a request names (or ``target``) when it is a path on this site, else ``default``.

    Paths only: ``redirect()`` would take any other word for a URL name to reverse, and an
    absolute URL to another host would be an open redirect.
    """
    if target is None:
        target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
