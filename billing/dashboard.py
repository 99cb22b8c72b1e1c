from .models import Order
from .views_account import active_access


def billing_panel(user):
    """What the trainee may study through billing, on "My learning" (courses shows panels named in settings)."""
    return {
        "template": "billing/dashboard_panel.html",
        "access": active_access(user),
        "has_orders": Order.objects.filter(user=user).exists(),
    }
