"""Offline stand-ins for the outside world, so everything runs and is tested with no
account anywhere: `sandbox.openpayments` (an Open Payments provider) and `sandbox.twilio`
(Twilio's Messages API and the WhatsApp users behind it).

Sandboxes talk to the product only over HTTP, as the real services do; they never import
`stokvel`, `rasa_bot`, `actions`, `forms_web` or `scheduler`.
"""
