"""Typed errors for everything that can go wrong talking to an Open Payments provider.

Each carries `.message` in plain words a member can read (they subclass `DomainError`), plus
what the provider said (`status`, `code`, `description`) for logs and reconciliation.
`outcome_unknown` tells the caller whether the request may have taken effect at the
provider: then the only safe next step is to retry with the same idempotency key.
"""

from __future__ import annotations

from stokvel.errors import DomainError


class PaymentError(DomainError):
    outcome_unknown = False

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None,
                 description: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.description = description

    def __str__(self) -> str:
        detail = f" [{self.status} {self.code or ''}: {self.description or ''}]" if self.status else ""
        return self.message + detail


class InvalidWalletAddress(PaymentError):
    """The text is not a wallet address, or the provider does not know it."""


class ProviderUnauthorized(PaymentError):
    """401: the provider did not accept our signature or token (expired, revoked, wrong key)."""


class GrantLimitExceeded(PaymentError):
    """403: the grant does not allow this (over the amount for the interval, wrong wallet...)."""


class InsufficientFunds(PaymentError):
    """The paying wallet does not hold enough money; nothing was paid."""


class NotFoundAtProvider(PaymentError):
    """404: the provider has no such resource."""


class GrantRejected(PaymentError):
    """The wallet owner declined the grant, or it was cancelled."""


class GrantPending(PaymentError):
    """The wallet owner has not finished approving yet."""


class InvalidFinishHash(PaymentError):
    """A grant-finish callback whose hash does not verify: it is ignored."""


class ProviderRejected(PaymentError):
    """400 or another 4xx: the provider refused the request as invalid."""


class ProviderUnavailable(PaymentError):
    """The provider could not be reached (connection refused) or failed with a 5xx.

    A 5xx may come after the provider acted, so the outcome is unknown."""

    outcome_unknown = True


class ProviderTimeout(PaymentError):
    """No answer in time: the request may or may not have taken effect."""

    outcome_unknown = True


class InvalidProviderResponse(PaymentError):
    """The provider answered with something that is not Open Payments."""

    outcome_unknown = True
