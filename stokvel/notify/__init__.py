"""Outbound WhatsApp messages and the messaging state behind them (plain Python, no Rasa).

- `send_whatsapp(number, text, *, template=None, variables=None)`: tells a member something.
  Inside WhatsApp's 24-hour customer-service window it sends `text` as it is; outside it,
  WhatsApp only delivers approved templates, so it sends `template` (or the generic
  `notice` template carrying `text`). Every message is recorded with its delivery status.
- `record_inbound(number, when)`: the member wrote to us (opens the 24-hour window).
- `claim_inbound(message_sid, number, when)`: the same, de-duplicated on Twilio's MessageSid.
- `record_status(sid, status, error_code=None)`: a Twilio status callback (only moves forward).

Uses the twilio library; the Twilio sandbox is reached by configuration alone
(`settings.twilio_api_base`).
"""

from stokvel.notify.inbound import claim_inbound, record_inbound, within_window
from stokvel.notify.sender import SendResult, send_whatsapp
from stokvel.notify.status import record_status

__all__ = [
    "SendResult",
    "claim_inbound",
    "record_inbound",
    "record_status",
    "send_whatsapp",
    "within_window",
]
