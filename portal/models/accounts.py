"""Accounts: one custom user model for officials, applicants, intermediaries and evaluators.

What a user may do in a unit comes from their positions in the organisation chart
(coordination.Position); the user row only says what kind of person they are.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.pii import BlindIndexField, EncryptedCharField, PiiKind, PiiModelMixin
from portal.validators import validate_id_number, validate_uscc


class UserKind(models.TextChoices):
    OFFICIAL = "official", _("Official")
    CITIZEN = "citizen", _("Citizen applicant")
    ENTERPRISE = "enterprise", _("Enterprise applicant")
    INTERMEDIARY = "intermediary", _("Intermediary")
    EVALUATOR = "evaluator", pgettext_lazy("user kind", "Evaluator")


class User(PiiModelMixin, AbstractUser):
    """A person who logs in. Chinese names are not split, so `full_name` replaces first/last."""

    kind = models.CharField(
        _("kind"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN, db_index=True
    )
    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = EncryptedCharField(_("mobile phone"), kind=PiiKind.PHONE, max_length=20, blank=True)
    phone_hash = BlindIndexField(source="phone", purpose="phone")
    organisation_name = models.CharField(
        _("organisation name"), max_length=200, blank=True, help_text=_("Enterprise applicants only.")
    )
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text=_("Enterprise applicants only: the enterprise's code (GB 32100-2015)."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of e-mails and text messages sent to this person."),
    )
    id_number = EncryptedCharField(
        _("resident ID number"),
        kind=PiiKind.ID_NUMBER,
        max_length=18,
        blank=True,
        validators=[validate_id_number],
        help_text=_("Citizens only: 18 characters, GB 11643 check character."),
    )
    id_number_hash = BlindIndexField(source="id_number", purpose="id_number")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="user_id_number_unique",
                violation_error_message=_("An account with this ID number already exists."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username

    def get_short_name(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.id_number:
            self.id_number = self.id_number.strip().upper()

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL
