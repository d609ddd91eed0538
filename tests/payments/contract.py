"""Contract checks: every request our client sends and every response the sandbox returns
must match the Open Payments 1.3.0 OpenAPI documents (shared/specs/open-payments beside the repository),
validated with `openapi-schema-validator` (OAS 3.1 dialect, on jsonschema 4.17)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from jsonschema import RefResolver
from openapi_schema_validator import OAS31Validator, oas31_format_checker

SPECS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "open-payments"

# Our sandbox's URL layout -> (spec, path in that spec). Real providers differ in layout,
# never in the operations.
ROUTES = [
    (re.compile(r"^/auth/?$"), "auth-server", "/"),
    (re.compile(r"^/auth/continue/[^/]+$"), "auth-server", "/continue/{id}"),
    (re.compile(r"^/auth/token/[^/]+$"), "auth-server", "/token/{id}"),
    (re.compile(r"^/incoming-payments$"), "resource-server", "/incoming-payments"),
    (re.compile(r"^/incoming-payments/[^/]+$"), "resource-server", "/incoming-payments/{id}"),
    (re.compile(r"^/incoming-payments/[^/]+/complete$"), "resource-server", "/incoming-payments/{id}/complete"),
    (re.compile(r"^/outgoing-payments$"), "resource-server", "/outgoing-payments"),
    (re.compile(r"^/outgoing-payments/[^/]+$"), "resource-server", "/outgoing-payments/{id}"),
    (re.compile(r"^/quotes$"), "resource-server", "/quotes"),
    (re.compile(r"^/quotes/[^/]+$"), "resource-server", "/quotes/{id}"),
    (re.compile(r"^/outgoing-payment-grant$"), "resource-server", "/outgoing-payment-grant"),
    (re.compile(r"^/[^/]+/jwks\.json$"), "wallet-address-server", "/jwks.json"),
    (re.compile(r"^/[^/]+$"), "wallet-address-server", "/"),
]


# The sandbox's own admin API and health check are not Open Payments.
SANDBOX_ONLY = ("/admin/", "/health")


@lru_cache(maxsize=None)
def spec(name: str) -> dict:
    return yaml.safe_load((SPECS / f"{name}.yaml").read_text())


def _resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        pointer = node["$ref"].lstrip("#/").split("/")
        node = document
        for part in pointer:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _as_meant(schema: dict) -> dict:
    """One known defect of the 1.3.0 documents: the complete-incoming-payment response is
    `{$ref: incoming-payment, additionalProperties: false}`. Under OAS 3.1 (JSON Schema
    2020-12) that sibling forbids every property, so no real response could pass; it was
    written with OAS 3.0 semantics, where siblings of `$ref` are ignored. Read it that way."""
    if "$ref" in schema and schema.get("additionalProperties") is False and "properties" not in schema:
        return {"$ref": schema["$ref"]}
    return schema


def validate(instance, schema: dict, document: dict) -> None:
    schema = _as_meant(schema)
    OAS31Validator(schema, resolver=RefResolver.from_schema(document),
                   format_checker=oas31_format_checker).validate(instance)


def operation_for(method: str, url: str) -> tuple[str, str, dict]:
    path = urlsplit(url).path
    for pattern, name, template in ROUTES:
        if pattern.match(path):
            operation = spec(name)["paths"][template].get(method.lower())
            if operation is not None:
                return name, template, operation
    raise AssertionError(f"{method} {path} is not an Open Payments operation")


def check_request(request) -> tuple[str, str, dict]:
    name, template, operation = operation_for(request.method, request.url)
    document = spec(name)
    body = request.body
    if "requestBody" in operation:
        assert body, f"{request.method} {template} needs a body"
        parsed = json.loads(body)
        assert body == json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode(), \
            "bodies must be compact UTF-8 JSON"
        validate(parsed, operation["requestBody"]["content"]["application/json"]["schema"], document)
    signed = any(_resolve(document, p).get("name") == "Signature" and _resolve(document, p).get("required")
                 for p in operation.get("parameters", []))
    if signed or name == "auth-server":
        assert "Signature" in request.headers and "Signature-Input" in request.headers
    return name, template, operation


def check_response(name: str, template: str, operation: dict, response) -> None:
    document = spec(name)
    status = str(response.status_code)
    assert status in operation["responses"], \
        f"{response.request.method} {template} answered {status}, which the spec does not list"
    definition = _resolve(document, operation["responses"][status])
    schema = (definition.get("content") or {}).get("application/json", {}).get("schema")
    if schema is None:
        assert not response.content, f"{template} {status} must have no body"
        return
    validate(response.json(), schema, document)


class ContractObserver:
    """A transport observer that validates each exchange and records which ones it saw."""

    def __init__(self, seen: list):
        self.seen = seen

    def __call__(self, request, response) -> None:
        if urlsplit(request.url).path.startswith(SANDBOX_ONLY):
            return
        name, template, operation = check_request(request)
        check_response(name, template, operation, response)
        self.seen.append((name, request.method, template, response.status_code))
