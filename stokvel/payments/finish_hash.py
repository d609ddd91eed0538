"""The GNAP interaction-finish hash that proves a grant callback came from the wallet's
authorization server for the grant we started.

hash = base64(SHA-256(client nonce "\\n" interact nonce "\\n" interact_ref "\\n" grant
endpoint URL)). Rafiki sends standard base64 with padding, the Open Payments docs show
base64url without padding: both spellings of the same digest are accepted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


def finish_hash(client_nonce: str, interact_nonce: str, interact_ref: str,
                grant_endpoint: str) -> str:
    message = "\n".join([client_nonce, interact_nonce, interact_ref, grant_endpoint])
    return base64.b64encode(hashlib.sha256(message.encode("utf-8")).digest()).decode("ascii")


def _decode(received: str) -> bytes | None:
    text = received.strip().replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def verify_finish_hash(client_nonce: str, interact_nonce: str, interact_ref: str,
                       grant_endpoint: str, received_hash: str | None) -> bool:
    if not (client_nonce and interact_nonce and interact_ref and received_hash):
        return False
    received = _decode(received_hash)
    if received is None:
        return False
    expected = base64.b64decode(finish_hash(client_nonce, interact_nonce, interact_ref,
                                            grant_endpoint))
    return hmac.compare_digest(expected, received)
