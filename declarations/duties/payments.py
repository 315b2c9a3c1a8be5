"""Payment providers behind one interface; ``settings.DUTY_PAYMENT_PROVIDER`` names the class.

A provider starts a payment (returns the address of its checkout), answers a query about a
payment by our reference, and signs its callbacks with HMAC-SHA256 over the raw body under
the shared key ``settings.DUTY_PAYMENT_SECRET`` (header ``X-Payment-Signature``, hex).

``SandboxProvider`` stands in for the single window's payment: its checkout is a page of the
portal where the payer (or a test) makes the payment succeed, fail, or time out (the money is
taken but the callback is lost, so only the re-query finds it paid).
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

SIGNATURE_HEADER = "X-Payment-Signature"


@dataclass(frozen=True)
class ProviderResult:
    status: str  # "paid" | "failed" | "pending" | "unknown"
    amount: Decimal | None = None
    provider_reference: str = ""


def sign(body: bytes, secret: str | None = None) -> str:
    key = (secret or settings.DUTY_PAYMENT_SECRET).encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


class PaymentProvider:
    """The interface; a real provider implements start, resume and query against its API."""

    name = ""

    def start(self, *, attempt, return_url: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def resume(self, *, attempt, return_url: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def query(self, *, reference: str) -> ProviderResult:  # pragma: no cover - interface
        raise NotImplementedError

    def verify(self, *, body: bytes, signature: str) -> bool:
        return bool(signature) and hmac.compare_digest(sign(body), signature.strip().lower())


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def start(self, *, attempt, return_url: str) -> str:
        from .models import SandboxTransaction

        tx = SandboxTransaction.objects.create(
            reference=attempt.reference,
            provider_reference=f"SBX{secrets.token_hex(8).upper()}",
            amount=attempt.amount,
            return_url=return_url[:300],
        )
        return reverse("duties:sandbox_checkout", args=[tx.provider_reference])

    def resume(self, *, attempt, return_url: str) -> str:
        from .models import SandboxTransaction

        tx = SandboxTransaction.objects.filter(reference=attempt.reference).first()
        if tx is None:
            return self.start(attempt=attempt, return_url=return_url)
        return reverse("duties:sandbox_checkout", args=[tx.provider_reference])

    def query(self, *, reference: str) -> ProviderResult:
        from .models import SandboxTransaction

        tx = SandboxTransaction.objects.filter(reference=reference).first()
        if tx is None:
            return ProviderResult("unknown")
        status = {"created": "pending"}.get(tx.status, tx.status)
        return ProviderResult(status, tx.amount, tx.provider_reference)

    # --- the sandbox's own side: what a test (or the checkout page) drives ----------------
    @staticmethod
    def drive(*, provider_reference: str, outcome: str) -> "object":
        """Settle the sandbox transaction: "paid" and "failed" notify the portal by a signed
        callback (as the provider's server would); "timeout" takes the money but the callback
        is lost. Settling twice changes nothing."""
        from .models import SandboxStatus, SandboxTransaction
        from .services import payment_callback_receive

        if outcome not in ("paid", "failed", "timeout"):
            raise ValueError(outcome)
        with transaction.atomic():
            tx = SandboxTransaction.objects.select_for_update().get(provider_reference=provider_reference)
            if tx.status != SandboxStatus.CREATED:
                return tx
            tx.status = SandboxStatus.FAILED if outcome == "failed" else SandboxStatus.PAID
            tx.settled_at = timezone.now()
            tx.save(update_fields=["status", "settled_at"])
        if outcome != "timeout":
            body = SandboxProvider.callback_body(tx)
            payment_callback_receive(body=body, signature=sign(body), remote_addr="sandbox")
        return tx

    @staticmethod
    def callback_body(tx) -> bytes:
        return json.dumps(
            {
                "reference": tx.reference,
                "status": "failed" if tx.status == "failed" else "paid",
                "amount": f"{tx.amount:.2f}",
                "provider_reference": tx.provider_reference,
                "paid_at": tx.settled_at.isoformat() if tx.settled_at else "",
            },
            sort_keys=True,
        ).encode()
