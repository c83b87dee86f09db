"""People who use the system."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mbk import gender as genders


class User(AbstractUser):
    """A person. Authors belong to an organisation; roles in bodies are memberships."""

    class Gender(models.TextChoices):
        """Only for the Russian verbs about the person («представил» / «представила»); a
        person of unknown gender is written of in a neutral form."""

        UNKNOWN = genders.UNKNOWN, _("not given")
        MALE = genders.MALE, _("male")
        FEMALE = genders.FEMALE, _("female")

    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    gender = models.CharField(
        _("gender"), max_length=6, choices=Gender.choices, default=Gender.UNKNOWN, blank=True
    )
    position = models.CharField(_("position"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language of e-mails and documents"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="ru",
    )
    # Notice categories (workflow.models.Notice.Category) not sent by e-mail; in-app notices
    # always appear.
    email_muted = models.JSONField(_("notices not sent by e-mail"), default=list, blank=True)
    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    # Two inactive states that must never be confused: a self sign-up awaiting the
    # confirmation of its address (the only one a confirmation link may activate), and a person
    # the office deactivated. Only author_sign_up sets signup_pending, on a new row; activity
    # clears it for good (save() and the constraint below), so nobody who was ever active, nor
    # anyone deactivated in the admin, can count as awaiting confirmation.
    signup_pending = models.BooleanField(
        _("awaiting e-mail confirmation"), default=False, editable=False
    )
    # Set whenever the person stops being active (or awaiting confirmation), by any path that
    # saves the row; password-reset links are bound to it, so a link issued before a
    # deactivation stays dead even after a reactivation.
    deactivated_at = models.DateTimeField(
        _("last deactivated at"), null=True, blank=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=False) | Q(signup_pending=False),
                name="user_active_is_not_signup_pending",
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_unique_email_ci",
                violation_error_message=_("A person with this e-mail address already exists."),
            ),
        ]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_standing = instance._standing()
        return instance

    def _standing(self) -> bool | None:
        """Active or awaiting confirmation (None when either field was not loaded)."""
        loaded = self.get_deferred_fields()
        if "is_active" in loaded or "signup_pending" in loaded:
            return None
        return self.is_active or self.signup_pending

    def save(self, *args, **kwargs):
        changed = []
        if self.is_active and self.signup_pending:
            self.signup_pending = False
            changed.append("signup_pending")
        before = getattr(self, "_stored_standing", None)
        leaving = before is True or (self._state.adding and before is None)
        if leaving and self._standing() is False:
            self.deactivated_at = timezone.now()
            changed.append("deactivated_at")
        if kwargs.get("update_fields") is not None and changed:
            kwargs["update_fields"] = {*kwargs["update_fields"], *changed}
        super().save(*args, **kwargs)
        self._stored_standing = self._standing()

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._stored_standing = self._standing()

    def get_full_name(self) -> str:
        """Фамилия Имя Отчество, as Russian documents write it."""
        parts = (self.last_name, self.first_name, self.middle_name)
        return " ".join(part for part in parts if part).strip() or self.username

    def __str__(self) -> str:
        return self.get_full_name()

    def gendered(self, *, male, female, neutral):
        """The one of three wordings about this person that fits their gender (neutral when it
        is not known): Russian verbs in the past agree with it."""
        return {self.Gender.MALE: male, self.Gender.FEMALE: female}.get(self.gender, neutral)


class ThrottleBucket(models.Model):
    """Recent requests of one kind by one requester (an address, a client), kept in the
    database so that every process counts the same (accounts.throttle). The requester is
    stored as a keyed hash, so the table is no list of addresses."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    hits = models.JSONField(default=list)  # POSIX times of the requests within the period
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="throttle_bucket_unique_key")
        ]

    def __str__(self):
        return f"{self.scope}: {len(self.hits)}"
