"""People who use the system."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. Authors belong to an organisation; roles in bodies are memberships."""

    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
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

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="user_unique_email_ci",
                violation_error_message=_("A person with this e-mail address already exists."),
            )
        ]

    def get_full_name(self) -> str:
        """Фамилия Имя Отчество, as Russian documents write it."""
        parts = (self.last_name, self.first_name, self.middle_name)
        return " ".join(part for part in parts if part).strip() or self.username

    def __str__(self) -> str:
        return self.get_full_name()
