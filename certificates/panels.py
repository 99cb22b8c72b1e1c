from .services import certificates_of


def certificates_panel(user):
    """The trainee's certificates on the dashboard (courses shows panels named in settings)."""
    return {"template": "certificates/dashboard_panel.html", "certificates": list(certificates_of(user))}
