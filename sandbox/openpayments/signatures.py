"""Request signature checks as a Rafiki server makes them (`@interledger/http-signature-utils`).

The signature base is rebuilt from the request as received and the raw `Signature-Input`
text the client sent (not a re-serialisation of it); the signature label is `sig1`; the
covered components must include `@method`, `@target-uri`, `authorization` when a token is
sent and `content-digest`, `content-length`, `content-type` when there is a body; the
`Content-Digest` must match the body as Rafiki re-serialises it (compact UTF-8 JSON);
`created` may not be in the future.
"""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import quote

import http_sf
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from http_message_signatures import ContentDigest

LABEL = "sig1"
CLOCK_SKEW_SECONDS = 30


def public_key(jwk: dict) -> Ed25519PublicKey | None:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        return None
    try:
        raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
        return Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return None


def target_uri(flask_request) -> str:
    """The URL the client addressed: scheme, Host header, and the path and query as sent."""
    environ = flask_request.environ
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    if not raw:
        raw = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        if environ.get("QUERY_STRING"):
            raw += "?" + environ["QUERY_STRING"]
    return f"{flask_request.scheme}://{flask_request.host}{raw}"


def _as_rafiki_hashes_it(flask_request, body: bytes) -> bytes:
    """Rafiki checks the digest against JSON.stringify(parsed body): compact UTF-8 JSON.
    A body encoded any other way (spaces, \\u escapes) fails there, so it fails here."""
    if flask_request.mimetype != "application/json":
        return body
    try:
        parsed = json.loads(body)
    except ValueError:
        return body
    return json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _parse(header: str) -> dict:
    return http_sf.parse(header.encode("ascii"), tltype="dictionary")


def verify_request(flask_request, jwks: list[dict]) -> str | None:
    """None when the request is signed by one of `jwks`; otherwise why not, in words."""
    headers = flask_request.headers
    signature_input, signature = headers.get("Signature-Input"), headers.get("Signature")
    if not signature_input or not signature:
        return "the request is not signed"
    try:
        inputs, signatures = _parse(signature_input), _parse(signature)
    except (ValueError, UnicodeError):
        return "malformed Signature-Input or Signature"
    if list(inputs) != [LABEL] or LABEL not in signatures:
        return f"expected exactly one signature labelled {LABEL}"
    members, params = inputs[LABEL]
    if not isinstance(members, list) or not all(isinstance(m[0], str) and not m[1] for m in members):
        return "covered components must be plain strings"
    components = [m[0] for m in members]
    body = flask_request.get_data(cache=True)
    required = ["@method", "@target-uri"]
    if "Authorization" in headers:
        required.append("authorization")
    if body:
        required += ["content-digest", "content-length", "content-type"]
    missing = [c for c in required if c not in components]
    if missing or any(c != c.lower() for c in components):
        return f"the signature must cover {', '.join(required)} (missing {', '.join(missing)})"
    created = params.get("created")
    if not isinstance(created, int) or isinstance(created, bool) or created > time.time() + CLOCK_SKEW_SECONDS:
        return "the signature needs a created time that is not in the future"
    key = next((public_key(k) for k in jwks if k.get("kid") == params.get("keyid")), None)
    if key is None:
        return f"no key {params.get('keyid')!r} is published for this client"
    if body:
        try:
            ContentDigest.verify(headers.get("Content-Digest", ""), _as_rafiki_hashes_it(flask_request, body))
        except Exception:  # malformed, unsupported or not matching: all mean the same
            return "Content-Digest does not match the body"
    lines = []
    for component in components:
        if component == "@method":
            lines.append(f'"@method": {flask_request.method}')
        elif component == "@target-uri":
            lines.append(f'"@target-uri": {target_uri(flask_request)}')
        elif component.startswith("@") or component not in headers:
            return f"cannot cover component {component}"
        else:
            lines.append(f'"{component}": {headers[component].strip()}')
    raw_params = signature_input.strip()[len(LABEL) + 1:]
    lines.append(f'"@signature-params": {raw_params}')
    signature_bytes = signatures[LABEL][0]
    if not isinstance(signature_bytes, bytes):
        return "the signature must be a byte sequence"
    try:
        key.verify(signature_bytes, "\n".join(lines).encode("utf-8"))
    except InvalidSignature:
        return "the signature does not verify"
    return None
