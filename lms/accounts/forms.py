from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TraineeProfile, normalize_name


class TraineeProfileForm(forms.ModelForm):
    class Meta:
        model = TraineeProfile
        fields = [
            "name_latin",
            "name_native",
            "country",
            "specialty",
            "institution",
            "licence_number",
            "preferred_language",
        ]
        widgets = {
            "name_latin": forms.TextInput(attrs={"autocomplete": "name", "required": True}),
            "name_native": forms.TextInput(attrs={"dir": "auto"}),
            "institution": forms.TextInput(
                attrs={"autocomplete": "organization", "required": True}
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank in the database (a profile starts empty), required when the trainee saves it.
        for name in TraineeProfile.REQUIRED_FIELDS:
            self.fields[name].required = True

    def clean_name_latin(self):
        return normalize_name(self.cleaned_data["name_latin"])

    def clean_name_native(self):
        return normalize_name(self.cleaned_data["name_native"])


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password again and an explicit confirmation."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my profile, progress and exam attempts are deleted for good."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."), code="wrong_password")
        return password
