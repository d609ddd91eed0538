"""'I want to speak to a human': the stokvel's admins are told on WhatsApp who wants help
and about what; the member is told what happens next."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import stokvel_context
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.notify import send_whatsapp
from stokvel.services import roles

# Intents that are not a topic worth passing on.
SMALL_TALK = {"human_handoff", "greet", "goodbye", "thank_you", "affirm", "deny", "nlu_fallback", "help", "cancel"}


def what_about(tracker: Tracker) -> str:
    """The member's own words: the request itself, or the last real thing they asked."""
    latest = (tracker.latest_message.get("text") or "").strip()
    for event in reversed(tracker.events[:-1] if tracker.events else []):
        if event.get("event") != "user":
            continue
        intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
        text = (event.get("text") or "").strip()
        if intent not in SMALL_TALK and text and text != latest:
            return f'"{latest}" (earlier they asked: "{text}")'
    return f'"{latest}"'


class ActionHumanHandoff(Action):
    def name(self) -> Text:
        return "action_human_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        notices: List[Tuple[str, str]] = []
        stokvel_name: Optional[str] = None
        try:
            with session_scope() as session:
                ctx = stokvel_context(
                    session, tracker, dispatcher, "human_handoff",
                    "Which stokvel's admin should contact you?",
                )
                if ctx is None:
                    return [SlotSet("stokvel_name", None)]
                stokvel_name = ctx.stokvel.name
                text = (
                    f"{ctx.member.full_name} ({ctx.number}), a member of {stokvel_name}, asked to "
                    f"speak to a person about: {what_about(tracker)}. Please contact them on WhatsApp."
                )
                notices = [
                    (admin.member.number, text)
                    for admin in roles.admins(session, ctx.stokvel.stokvel_id)
                    if admin.member.number != ctx.number
                ]
        except DomainError as error:
            dispatcher.utter_message(text=error.message)
            return [SlotSet("stokvel_name", None)]
        if not notices:
            dispatcher.utter_message(
                text=f"You're the only admin of {stokvel_name}, so there's no one else in the "
                "stokvel to pass this to. For help with DigiStokvel itself, reply *help*."
            )
            return [SlotSet("stokvel_name", None)]
        results = [await asyncio.to_thread(send_whatsapp, number, text) for number, text in notices]
        if any(result.ok for result in results):
            dispatcher.utter_message(
                text=f"I've told the admin{'s' if len(notices) > 1 else ''} of {stokvel_name} that "
                "you'd like to talk to a person, and what about. They'll contact you on this "
                "WhatsApp number. In the meantime I'm still here: type *help* for the menu."
            )
        else:
            dispatcher.utter_message(
                text="Eish, I couldn't reach your admins just now. Please try again in a few minutes."
            )
        return [SlotSet("stokvel_name", None)]
