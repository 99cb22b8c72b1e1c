import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import CreateView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.permissions import register_permission_policy

from lms.wagtail_admin import ReadOnlyPolicy, RelatedRowsIndexView

from . import services
from .admin_views import AdmitGraduateView, EmailPreviewView, SendNewsletterView
from .models import AlumniMembership, Chapter, NewsletterPage


@hooks.register("register_log_actions")
def register_alumni_log_actions(actions):
    actions.register_action("alumni.admit", _("Admit alumnus"), _("Graduate admitted to the alumni network"))
    actions.register_action("alumni.newsletter_send", _("Send newsletter"), _("Newsletter sending started"))


# --- Alumni (memberships) ------------------------------------------------------------------


class AlumniFilterSet(WagtailFilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="user__profile__country", choices=list(countries)
    )

    class Meta:
        model = AlumniMembership
        fields = ["cohort_year", "chapter", "source"]


class AlumniIndexView(RelatedRowsIndexView):
    select_related = ("user__profile", "chapter", "admitted_by")

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(_("Admit a graduate of the offline programme"), url=reverse("alumni_admit"), icon_name="plus")
        ]


class AlumniViewSet(ModelViewSet):
    model = AlumniMembership
    icon = "group"
    menu_label = _("Alumni")
    index_view_class = AlumniIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = AlumniFilterSet
    list_display = [
        TitleColumn("user", label=_("Alumnus"), url_name="alumni_members:inspect"),
        Column("name", label=_("Name"), accessor="user.display_name"),
        Column("country", label=_("Country"), accessor="user.profile.country.name"),
        "cohort_year",
        Column("get_source_display", label=_("Admitted for")),
        "chapter",
        Column("admitted_by", label=_("Admitted by")),
        "admitted_at",
    ]
    inspect_view_fields = ["user", "cohort_year", "source", "chapter", "admitted_at", "admitted_by", "admission_note"]
    search_fields = ["user__email", "user__profile__name_latin"]
    form_fields = ["chapter"]  # required by ModelViewSet; editing is refused by the policy


# --- Chapters ------------------------------------------------------------------------------


class ChapterForm(WagtailAdminModelForm):
    moderators = forms.ModelMultipleChoiceField(
        label=_("Moderators"),
        required=False,
        queryset=get_user_model().objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Alumni (or staff) who post the chapter's news and create its events."),
    )

    class Meta:
        model = Chapter
        fields = ["name", "slug", "country", "description", "moderators"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(
            Q(alumni_membership__isnull=False)
            | Q(is_staff=True)
            | Q(pk__in=self.instance.moderators.all() if self.instance.pk else [])
        )
        self.fields["moderators"].queryset = people.select_related("profile").order_by("email").distinct()
        self.fields["moderators"].label_from_instance = lambda user: f"{user.display_name} <{user.email}>"


class ChapterCreateView(CreateView):
    def save_instance(self):
        chapter = super().save_instance()
        # The country's alumni join the new chapter (in the same transaction as its creation).
        services.assign_chapters(chapter)
        return chapter


class ChapterViewSet(ModelViewSet):
    model = Chapter
    icon = "site"
    menu_label = _("Chapters")
    add_view_class = ChapterCreateView
    copy_view_enabled = False
    list_display = [TitleColumn("name", url_name="alumni_chapters:edit"), "country", "slug"]
    search_fields = ["name"]

    def get_form_class(self, for_update=False):
        return ChapterForm


class AlumniGroup(ViewSetGroup):
    menu_label = _("Alumni")
    menu_icon = "group"
    menu_order = 230
    items = (AlumniViewSet("alumni_members"), ChapterViewSet("alumni_chapters"))


register_permission_policy(AlumniMembership, ReadOnlyPolicy(AlumniMembership))


@hooks.register("register_admin_viewset")
def register_alumni_viewsets():
    return AlumniGroup()


@hooks.register("register_admin_urls")
def register_alumni_admin_urls():
    return [
        path("alumni-tools/admit/", AdmitGraduateView.as_view(), name="alumni_admit"),
        path("alumni-tools/newsletter/<int:pk>/send/", SendNewsletterView.as_view(), name="alumni_newsletter_send"),
        path(
            "alumni-tools/newsletter/<int:pk>/email/",
            EmailPreviewView.as_view(),
            name="alumni_newsletter_email_preview",
        ),
    ]


# --- Newsletter buttons on the page header and in the page listing ----------------


def _newsletter_buttons(page, user):
    if not issubclass(page.specific_class or type(page), NewsletterPage):
        return
    if not page.permissions_for_user(user).can_publish():
        return
    yield Button(_("Send or test…"), reverse("alumni_newsletter_send", args=[page.pk]), icon_name="mail", priority=5)
    yield Button(
        _("Preview the e-mail"),
        reverse("alumni_newsletter_email_preview", args=[page.pk]),
        icon_name="view",
        priority=6,
        attrs={"target": "_blank", "rel": "noopener"},
    )


@hooks.register("register_page_header_buttons")
def newsletter_header_buttons(page, user, view_name, next_url=None):
    yield from _newsletter_buttons(page, user)


@hooks.register("register_page_listing_buttons")
def newsletter_listing_buttons(page, user, next_url=None):
    yield from _newsletter_buttons(page, user)


from . import events_admin  # noqa: E402, F401  (events: viewsets, attendance, slide protection)

# --- Reports: alumni per cohort year, country and chapter; attendance per event ------------


def _register_alumni_reports():
    from reports.base import register_report

    from .reports import ALUMNI_REPORTS

    for report in ALUMNI_REPORTS:
        register_report(report)


_register_alumni_reports()
