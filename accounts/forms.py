from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts import services, throttle
from accounts.models import User
from directory.models import Organisation
from directory.validators import validate_inn
from mbk.forms import CharField, EmailField, formfield


class SignUpForm(forms.Form):
    """A project author's sign-up: the person, and an existing or a proposed organisation."""

    last_name = CharField(label=_("Last name"), max_length=150)
    first_name = CharField(label=_("First name"), max_length=150)
    middle_name = CharField(label=_("Patronymic"), max_length=150, required=False)
    email = EmailField(label=_("E-mail"), max_length=254)
    position = CharField(label=_("Position"), max_length=200, required=False)
    phone = CharField(label=_("Phone"), max_length=40, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(status=Organisation.Status.CONFIRMED),
        required=False,
        empty_label=_("— my organisation is not in the list —"),
    )
    new_organisation_name = CharField(
        label=_("Full name of a new organisation"),
        max_length=300,
        required=False,
        help_text=_(
            "The programme office confirms a new organisation before its people "
            "can submit proposals."
        ),
    )
    new_organisation_kind = forms.ChoiceField(
        label=_("Kind of the new organisation"),
        choices=Organisation.Kind.choices,
        required=False,
    )
    new_organisation_inn = CharField(
        label=_("INN of the new organisation"),
        max_length=12,
        required=False,
        validators=[validate_inn],
    )
    password1 = CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput,
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def clean_email(self) -> str:
        # Whether someone already has this address is not said here: the service mails the
        # owner instead, and the requester sees the same page as for a new address.
        return self.cleaned_data["email"].strip().lower()

    def clean_new_organisation_name(self) -> str:
        name = " ".join(self.cleaned_data["new_organisation_name"].split())
        if name and Organisation.objects.filter(name_ru__iexact=name).exists():
            raise forms.ValidationError(
                _("This organisation is already registered: choose it in the list above.")
            )
        return name

    def clean_new_organisation_inn(self) -> str:
        inn = self.cleaned_data["new_organisation_inn"].strip()
        if inn and Organisation.objects.filter(inn=inn).exists():
            raise forms.ValidationError(_("An organisation with this INN is already registered."))
        return inn

    def clean(self) -> dict:
        cleaned = super().clean()
        chosen, proposed = cleaned.get("organisation"), cleaned.get("new_organisation_name")
        if chosen and proposed:
            self.add_error(
                "new_organisation_name",
                _("Either choose an organisation from the list or name a new one, not both."),
            )
        elif not chosen and not proposed and "new_organisation_name" not in self.errors:
            self.add_error(
                "organisation",
                _("Choose your organisation from the list, or name a new one below."),
            )
        if proposed and not cleaned.get("new_organisation_kind"):
            self.add_error("new_organisation_kind", _("Say what kind of organisation it is."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(
                email=cleaned.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendConfirmationForm(forms.Form):
    email = EmailField(label=_("E-mail"), max_length=254)


class UsernameField(auth_forms.UsernameField, CharField):
    """Django's login field (the login NFKC-normalised) with our text rule: invisible
    characters at its edges are dropped, a control character in it is refused."""


class LoginForm(auth_forms.AuthenticationForm):
    # Django declares the login with its own field; the password strips nothing and is not a
    # text input, so our rule would not touch it.
    username = UsernameField(widget=forms.TextInput(attrs={"autofocus": True}))


class UserChangeForm(auth_forms.UserChangeForm):
    """The admin's person, with our text fields."""

    class Meta(auth_forms.UserChangeForm.Meta):
        field_classes = {"username": UsernameField}
        formfield_callback = staticmethod(formfield)


class UserCreationForm(auth_forms.AdminUserCreationForm):
    """A person added in the admin, with our text fields."""

    class Meta(auth_forms.AdminUserCreationForm.Meta):
        field_classes = {"username": UsernameField}
        formfield_callback = staticmethod(formfield)


class PasswordResetByWorkerForm(PasswordResetForm):
    """Django's password-reset form, except that the e-mail is sent by the Celery worker after
    the request, like every other e-mail, so a slow mail server never holds the page."""

    email = EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        from accounts.tasks import task_send_password_reset

        limit = settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR
        if not throttle.allow("reset-mail-to-address", context["email"], limit=limit):
            return  # the page answers the same; the address is not flooded
        user_id, language = context["user"].pk, translation.get_language()
        transaction.on_commit(
            lambda: task_send_password_reset.delay(user_id=user_id, language=language),
            robust=True,  # the page answers the same whether or not the broker is up
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change, through the service: the person's API tokens are revoked
    unless they tick the box."""

    keep_api_tokens = forms.BooleanField(
        label=_("Keep my API tokens"),
        required=False,
        help_text=_(
            "Otherwise every API token you have is revoked: a script that used one needs a new "
            "token."
        ),
    )

    def save(self, commit=True):
        return services.password_change(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            keep_api_tokens=self.cleaned_data["keep_api_tokens"],
        )


class SetPasswordByResetForm(auth_forms.SetPasswordForm):
    """The new password chosen through a reset link, through the service that also revokes
    the person's API tokens."""

    def save(self, commit=True):
        return services.password_reset_complete(
            user=self.user, password=self.cleaned_data["new_password1"]
        )


class GenderForm(forms.Form):
    """The person's gender, in their profile: the Russian pages and notices write of them with
    verbs that agree with it («представил» / «представила»), neutrally when it is not given."""

    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=User.Gender.choices,
        required=False,
        help_text=_("Only for the wording of the Russian pages and notices about you."),
    )
