"""Every request the product sent to the Twilio sandbox during these tests (the notifier's
and the Rasa channel's) is a valid CreateMessage call of Twilio's published API spec."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import requests

from stokvel.notify import record_inbound, send_whatsapp
from tests.whatsapp.conftest import new_number, wait_for_messages

SPEC = Path(__file__).resolve().parents[3] / "shared" / "specs" / "twilio" / "twilio_api_v2010.json"
PATH = "/2010-04-01/Accounts/{AccountSid}/Messages.json"


@pytest.fixture(scope="module")
def create_message_spec():
    spec = json.loads(SPEC.read_text())
    operation = spec["paths"][PATH]["post"]
    schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    [account_sid] = [p["schema"] for p in operation["parameters"] if p["name"] == "AccountSid"]
    return schema, account_sid


def as_typed(form: dict, schema: dict) -> dict:
    """Form fields arrive as lists of strings: give each the JSON type the spec declares, so
    the spec's own schema can judge it (an unparseable value stays a string and fails)."""
    typed = {}
    for name, values in form.items():
        declared = schema["properties"].get(name, {}).get("type")
        if declared == "array":
            typed[name] = values
            continue
        [value] = values  # a scalar field sent twice is a mistake too
        if declared == "integer" and re.fullmatch(r"-?\d+", value):
            value = int(value)
        elif declared == "boolean" and value in ("true", "false"):
            value = value == "true"
        typed[name] = value
    return typed


def test_every_request_we_sent_matches_the_spec(bot, create_message_spec):
    schema, account_sid_schema = create_message_spec
    # Make sure each kind of message we send is in the log: reply, numbered menu, template.
    number = new_number()
    bot.say(number, "menu")
    wait_for_messages(bot.sandbox_url, number, 1)
    record_inbound(number)
    send_whatsapp(number, "free-form")
    send_whatsapp(new_number(), "x", template="payout_sent", variables={"1": "A", "2": "R1", "3": "B"})

    logged = requests.get(f"{bot.sandbox_url}/requests", timeout=5).json()
    # The product's requests, made with the twilio library (other tests post bad ones on purpose).
    sent = [r for r in logged if r["user_agent"].startswith("twilio-python/")]
    assert {"Body", "ContentSid"} <= {field for r in sent for field in r["form"]}
    strict = dict(schema, additionalProperties=False)  # no field the spec does not know
    path = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
    for request in sent:
        assert request["method"] == "POST"
        account_sid = path.match(request["path"]).group(1)
        jsonschema.validate(account_sid, account_sid_schema)
        jsonschema.validate(as_typed(request["form"], schema), strict)
        if "ContentVariables" in request["form"]:
            assert isinstance(json.loads(request["form"]["ContentVariables"][0]), dict)
