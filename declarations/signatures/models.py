"""Signing certificates registered by enterprises (X.509, public part only)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models import Enterprise


class EnterpriseCertificate(models.Model):
    """One certificate an enterprise signs its CEB messages with (its IC card or IKEY's)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="signing_certificates",
    )
    subject = models.CharField(_("certificate subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial_number = models.CharField(_("serial number"), max_length=100)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    der = models.BinaryField(_("certificate (DER)"))
    uploaded_by = models.ForeignKey(
        "registration.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-not_after", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "fingerprint"], name="certificate_unique_per_enterprise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial_number})"

    @property
    def is_valid_now(self) -> bool:
        now = timezone.now()
        return self.not_before <= now <= self.not_after


class SignatureSetting(models.Model):
    """Whether an enterprise's messages must all be signed (unsigned ones are then refused)."""

    enterprise = models.OneToOneField(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="signature_setting"
    )
    required = models.BooleanField(_("signatures required"), default=False)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("signature setting")
        verbose_name_plural = _("signature settings")

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.required}"
