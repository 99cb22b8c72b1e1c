"""The site's Content-Security-Policy: strict on the public site, relaxed in the admins.

Wagtail's and Django's admin pages still contain inline scripts and styles, so a single
strict policy would break them. Rather than sending them no policy at all, they get one
that still allows only this origin for every resource and forbids framing by others.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponseBadRequest

_SELF = "'self'"
ADMIN_CSP_DIRECTIVES = {
    "default-src": [_SELF],
    "script-src": [_SELF, "'unsafe-inline'"],
    "style-src": [_SELF, "'unsafe-inline'"],
    "img-src": [_SELF, "data:", "blob:"],
    "media-src": [_SELF, "blob:"],
    "font-src": [_SELF, "data:"],
    "connect-src": [_SELF],
    "frame-src": [_SELF],
    "object-src": ["'none'"],
    "base-uri": [_SELF],
    "form-action": [_SELF],
    # Page and certificate-design previews frame the admin's own preview views.
    "frame-ancestors": [_SELF],
}


def is_admin_path(path):
    return path.startswith(tuple(settings.CSP_ADMIN_URL_PREFIXES))


class SiteCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_path(request.path_info):
            return PolicyParts(ADMIN_CSP_DIRECTIVES, parts.update, parts.replace, parts.nonce)
        return parts


def _has_nul(query):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query.lists())


def reject_nul_in_url(get_response):
    """A URL with a NUL byte, in its path or its query string, is malformed: answer 400 here,
    before a view hands it to PostgreSQL, which refuses NUL in any text parameter (a server
    error). Form fields are covered by Django's own ProhibitNullCharactersValidator."""

    def middleware(request):
        if "\x00" in request.path or _has_nul(request.GET):
            return HttpResponseBadRequest("Malformed URL.")
        return get_response(request)

    return middleware
