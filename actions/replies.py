"""Replies shared by many actions: the registration nudge, stokvel choice, errors."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import caller_number
from stokvel.links import make_link


def send_registration_link(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The answer to anything but greetings, help and FAQs from someone not registered."""
    number = caller_number(tracker)
    if number is None:
        dispatcher.utter_message(
            text="I can only help members who write from their WhatsApp number."
        )
        return
    dispatcher.utter_message(
        text=(
            "You're not registered with DigiStokvel yet, so I can't do that for you. "
            "Registering takes two minutes: your name, your wallet address and your OK to our terms.\n"
            f"Your personal link (valid for 15 minutes): {make_link(number, 'register')}"
        )
    )


def button(title: str, intent: str, **entities: Any) -> Dict[str, str]:
    """A button whose payload re-states the intent with entities, e.g. /stokvel_summary{...}."""
    payload = f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"
    return {"title": title, "payload": payload}


def stokvel_buttons(names: List[str], intent: str) -> List[Dict[str, str]]:
    return [button(name, intent, stokvel_name=name) for name in names]
