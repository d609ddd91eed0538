"""'cancel' inside a form: leave it with no side effects (outside a form, a response says
there is nothing to cancel)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

# Everything a form may have collected; cleared so the next form starts afresh.
FORM_SLOTS = ("stokvel_name", "amount", "confirmed", "profile_field", "profile_value", "contribution_quote")


def clear_form_slots() -> List[EventType]:
    return [SlotSet(slot, None) for slot in FORM_SLOTS] + [SlotSet("requested_slot", None)]


class ActionCancel(Action):
    def name(self) -> Text:
        return "action_cancel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text="Cancelled. Nothing was changed and no money moved.")
        return [ActiveLoop(None)] + clear_form_slots()
