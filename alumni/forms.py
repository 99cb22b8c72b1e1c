from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.accounts.models import Specialty

from . import directory
from .exceptions import AlumniError
from .models import NETWORK_LANGUAGES, SPOKEN_LANGUAGES, ChapterNewsPost, DirectoryEntry, language_name

VISIBILITY_FIELDS = [
    "show_institution",
    "show_specialty",
    "show_country",
    "show_city",
    "show_languages",
    "show_bio",
    "show_photo",
]


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Tick boxes in foldable groups: the first group open, any other open when it holds a tick.
    A plain <details>, so it folds without JavaScript."""

    template_name = "alumni/widgets/grouped_checkboxes.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["groups"] = [
            {"name": group, "options": options, "open": index == 0 or any(o["selected"] for o in options)}
            for index, (group, options, _index) in enumerate(context["widget"]["optgroups"])
        ]
        return context


def spoken_language_choices(keep=()):
    """The network's languages first, then the others by their name in the reader's language.
    Regional variants (en-gb, es-mx …) only where the alumnus already chose one."""
    others = [code for code, _name in SPOKEN_LANGUAGES if code not in NETWORK_LANGUAGES]
    others = [code for code in others if "-" not in code or code in keep]
    return [
        (_("Common in the network"), [(code, language_name(code)) for code in NETWORK_LANGUAGES]),
        (_("Other languages"), sorted(((code, language_name(code)) for code in others), key=lambda item: item[1])),
    ]


class DirectoryEntryForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        required=False,
        # Tick boxes, not a multi-select: holding Ctrl is no gesture on a phone.
        widget=GroupedCheckboxes,
        help_text=_("Tick every language you can work in."),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        # A plain input: the stored photo is private, so no "currently" link to a media URL.
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG or WebP, up to 3 MB. We keep a small copy without its location data."),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    class Meta:
        model = DirectoryEntry
        fields = ["listed", "accepts_messages", *VISIBILITY_FIELDS, "city", "bio", "photo"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 600})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = []
        if self.instance.pk:
            chosen = list(self.instance.languages.values_list("language", flat=True))
            self.initial["languages"] = chosen
        self.fields["languages"].choices = spoken_language_choices(keep=chosen)

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or photo == self.instance.photo:
            return None
        try:
            return directory.normalise_photo(photo)
        except AlumniError as error:
            raise forms.ValidationError(str(error)) from None

    def save_entry(self):
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "photo"}
        remove_photo = self.cleaned_data.get("remove_photo") and not self.cleaned_data.get("photo")
        return directory.update_entry(
            self.instance,
            fields=fields,
            languages=self.cleaned_data["languages"],
            photo=self.cleaned_data.get("photo"),
            remove_photo=remove_photo,
        )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), required=False)
    specialty = forms.ChoiceField(
        label=_("Specialty"), required=False, choices=[("", _("Any specialty")), *Specialty.choices]
    )
    language = forms.ChoiceField(label=_("Language"), required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *choices["countries"]]
        self.fields["language"].choices = [("", _("Any language")), *choices["languages"]]

    def filters(self):
        """The valid filters; an unknown value (an old link) is dropped rather than failing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "query": data.get("q", "").strip(),
            "country": data.get("country", ""),
            "specialty": data.get("specialty", ""),
            "language": data.get("language", ""),
        }


class ContactForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6, "maxlength": 3000})
    )
    share_email = forms.BooleanField(
        label=_("Share my e-mail address so they can reply directly"),
        required=False,
        help_text=_("If you leave this unticked, they see your name and your directory entry, not your address."),
    )


class ChapterNewsForm(forms.ModelForm):
    class Meta:
        model = ChapterNewsPost
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class AdmitGraduateForm(forms.Form):
    email = forms.EmailField(label=_("The graduate's e-mail address"), help_text=_("They must have an account."))
    cohort_year = forms.IntegerField(label=_("Cohort year"), min_value=1990)
    note = forms.CharField(
        label=_("Evidence"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. “Seoul offline programme 2019, cohort list p. 3”. Kept in the audit log."),
    )

    def clean_cohort_year(self):
        year = self.cleaned_data["cohort_year"]
        if year > timezone.now().year:
            raise forms.ValidationError(_("The cohort year cannot be in the future."))
        return year

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account uses this address. Ask the graduate to sign up first."))
        self.user = user
        return email
