"""An offline Twilio (port 4010): the Messages API, an outbox of what the bot sent, signed
inbound webhooks that play WhatsApp members, status callbacks, and a local chat.

    python -m sandbox.twilio --port 4010 --webhook-url URL [--status-url URL]
    python -m sandbox.twilio.chat --number +27821234567          (terminal chat)

- `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`: Twilio's API (basic auth with the
  account SID and auth token, form fields, Twilio's error bodies). A free-form Body to a
  member who has not written in 24 hours fails with 63016, as on WhatsApp; ContentSid must
  be one of `templates.TEMPLATES`. Status callbacks follow: queued, sent, delivered, read.
- `POST /inbound` `{"from": "+27…", "body": "…", "message_sid"?, "profile_name"?,
  "media_url"?, "latitude"?, "longitude"?, "duplicate"?: N, "retries"?: N}`: the member
  sends a message; it is posted to the bot's webhook signed like Twilio (N times for
  duplicates, retried on errors) -> `{"message_sid", "deliveries": [HTTP statuses]}`.
- `GET /outbox?to=+27…` (oldest first), `GET /conversation?number=+27…` (both ways),
  `GET /requests` (raw API calls, for contract tests), `POST /faults` `{"status", "count"}`
  (fail the next API calls), `GET /` (web chat), `GET /health`.

The account SID and auth token are the product's: TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN,
else the local secret var/secrets/twilio_auth_token.
"""
