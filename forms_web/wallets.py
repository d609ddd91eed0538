"""Resolving the wallet address a member typed, with the answer put beside the field."""

from __future__ import annotations

from typing import Optional

from wtforms import Field

from stokvel.payments import errors as payment_errors
from stokvel.payments.wallet import WalletAddress, resolve_wallet_address


def resolve_into(field: Field) -> Optional[WalletAddress]:
    """The wallet the provider describes, or None with the reason added to field.errors."""
    try:
        return resolve_wallet_address(field.data)
    except payment_errors.InvalidWalletAddress as error:
        field.errors = [*field.errors, error.message]
    except payment_errors.PaymentError:
        field.errors = [
            *field.errors,
            "We could not reach your wallet provider just now, so nothing was saved. "
            "Please try again in a minute.",
        ]
    return None
