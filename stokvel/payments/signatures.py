"""HTTP Message Signatures (RFC 9421) exactly as Open Payments servers verify them.

Ed25519, label `sig1`, parameters `keyid` and `created` (no `alg`); covered components
`@method`, `@target-uri`, `authorization` when a token is sent, and `content-digest`,
`content-length`, `content-type` when there is a body. `Content-Digest` (RFC 9530) is
SHA-512 over the exact bytes sent. Bodies are compact UTF-8 JSON: that is what Rafiki's
clients send and hash; other encodings of the same document are rejected.
"""

from __future__ import annotations

import datetime
import json

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import (
    ContentDigest, HTTPMessageSigner, MappingKeyResolver, algorithms,
)

SIGNATURE_LABEL = "sig1"


class Sha512ContentDigest(ContentDigest):
    algorithm = "sha-512"


class _Signer(HTTPMessageSigner):
    content_digest_class = Sha512ContentDigest


def compact_json(document) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def covered_components(request: requests.PreparedRequest) -> tuple[str, ...]:
    components = ["@method", "@target-uri"]
    if "Authorization" in request.headers:
        components.append("authorization")
    if request.body:
        components += ["content-digest", "content-length", "content-type"]
    return tuple(components)


def sign_request(request: requests.PreparedRequest, *, key_id: str,
                 private_key: Ed25519PrivateKey) -> requests.PreparedRequest:
    """Add `Content-Digest` (when there is a body), `Signature-Input` and `Signature`."""
    body = request.body
    if isinstance(body, str):
        body = body.encode("utf-8")
    signer = _Signer(signature_algorithm=algorithms.ED25519,
                     key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: private_key}))
    signer.sign(
        request,
        key_id=key_id,
        label=SIGNATURE_LABEL,
        include_alg=False,
        created=datetime.datetime.now(datetime.timezone.utc),
        covered_component_ids=covered_components(request),
        body=body or None,
    )
    return request
