"""Approved WhatsApp templates (Twilio Content SIDs), by name.

Outside the 24-hour window WhatsApp delivers only templates approved in advance. Each
template is configured as env `TWILIO_TEMPLATE_<NAME>=HX…`. Against the Twilio sandbox the
defaults below are used: the sandbox ships the same templates (sandbox/twilio/templates.py).
Variables are numbered, as in Twilio's Content API: {"1": "...", "2": "..."}.
"""

from __future__ import annotations

import os

from stokvel.config import get_settings

# name -> (its Content SID in the Twilio sandbox, what its variables hold)
SANDBOX_TEMPLATES = {
    "notice": ("HX00000000000000000000000000000001", "1: the text, on one line"),
    "contribution_reminder": (
        "HX00000000000000000000000000000002",
        "1: member's name, 2: stokvel, 3: amount, 4: due date",
    ),
    "contribution_received": (
        "HX00000000000000000000000000000003",
        "1: member's name, 2: stokvel, 3: amount",
    ),
    "payout_sent": ("HX00000000000000000000000000000004", "1: member's name, 2: amount, 3: stokvel"),
    "application_update": (
        "HX00000000000000000000000000000005",
        "1: member's name, 2: stokvel, 3: what happened",
    ),
}

# Used when a plain text has to reach a member outside the window.
GENERIC = "notice"


class TemplateNotConfigured(RuntimeError):
    """A deployment mistake (a missing env var), not something a member did."""


def content_sid(name: str) -> str:
    """The Content SID of template `name`, from TWILIO_TEMPLATE_<NAME> or the sandbox defaults."""
    configured = os.environ.get(f"TWILIO_TEMPLATE_{name.upper()}")
    if configured:
        return configured
    if get_settings().twilio_sandbox and name in SANDBOX_TEMPLATES:
        return SANDBOX_TEMPLATES[name][0]
    raise TemplateNotConfigured(
        f"No WhatsApp template '{name}' is configured: set TWILIO_TEMPLATE_{name.upper()}."
    )
