"""Our signatures verify with Interledger's reference implementation
(`@interledger/http-signature-utils`, what Rafiki runs), and tampered ones do not."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from stokvel.payments import public_jwk
from stokvel.payments.signatures import compact_json, sign_request

NODE_DIR = Path(__file__).parent / "node"
KEY_ID = "crosscheck-key"


@pytest.fixture(scope="module")
def reference_verifier():
    assert shutil.which("node") and shutil.which("npm"), "Node 20 and npm are needed for this test"
    if not (NODE_DIR / "node_modules" / "@interledger" / "http-signature-utils").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True,
                       capture_output=True, timeout=300)

    def verify(jwk: dict, messages: list[dict]) -> list[bool]:
        done = subprocess.run(["node", "verify.js"], cwd=NODE_DIR, check=True, capture_output=True,
                              input=json.dumps({"jwk": jwk, "requests": messages}), text=True, timeout=60)
        return json.loads(done.stdout)
    return verify


def signed(method: str, url: str, key, *, token: str | None = None, body: dict | None = None) -> dict:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"GNAP {token}"
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = compact_json(body)
    request = requests.Request(method, url, headers=headers, data=data).prepare()
    sign_request(request, key_id=KEY_ID, private_key=key)
    return {"method": request.method, "url": request.url,
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "body": request.body.decode("utf-8") if request.body else None}


def test_reference_implementation_accepts_ours_and_rejects_tampering(reference_verifier):
    key = Ed25519PrivateKey.generate()
    jwk = public_jwk(key, KEY_ID)
    grant = signed("POST", "https://auth.wallet.example/", key, body={
        "access_token": {"access": [{"type": "quote", "actions": ["create", "read"]}]},
        "client": "https://wallet.example/digistokvel"})
    payment = signed("POST", "https://wallet.example/outgoing-payments", key, token="TOKEN123", body={
        "walletAddress": "https://wallet.example/thandi", "quoteId": "https://wallet.example/quotes/1",
        "metadata": {"idempotencyKey": "contribution:1", "note": "Thandi’s stokvel — R500 ✓"}})
    read = signed("GET", "https://wallet.example/outgoing-payment-grant", key, token="TOKEN123")

    other_body = dict(payment, body=payment["body"].replace("contribution:1", "contribution:2"))
    other_url = dict(read, url="https://wallet.example/outgoing-payments/2")
    other_token = dict(read, headers={**read["headers"], "authorization": "GNAP STOLEN"})
    unsigned_token = dict(read, headers={k: v for k, v in read["headers"].items()})
    unsigned_token["headers"]["signature-input"] = read["headers"]["signature-input"].replace(
        ' "authorization"', "")
    stranger = public_jwk(Ed25519PrivateKey.generate(), KEY_ID)

    assert reference_verifier(jwk, [grant, payment, read]) == [True, True, True]
    assert reference_verifier(jwk, [other_body, other_url, other_token, unsigned_token]) == [False] * 4
    assert reference_verifier(stranger, [grant, payment, read]) == [False] * 3
