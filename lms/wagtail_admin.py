"""Admin building blocks the apps share."""

from wagtail.admin.views.generic import IndexView
from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Listed and inspected only: such records change through services, never by editing fields."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


class RelatedRowsIndexView(IndexView):
    """An admin listing that loads the related rows its columns show in the same query.
    (A ModelViewSet has no queryset hook of its own: the index view's base queryset is the place.)"""

    select_related = ()

    def get_base_queryset(self):
        return super().get_base_queryset().select_related(*self.select_related)
