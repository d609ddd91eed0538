"""Low-confidence messages: "Did you mean …?" with the top guesses as numbered buttons.

Rasa's two-stage fallback calls this action first; a guess picked by the member is
handled as if they had said it, "none of these" (deny) asks them to rephrase, and a second
miss ends with the help menu (utter_default).
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import button

# How each guess is offered to the member.
INTENT_TITLES = {
    "greet": "Say hello",
    "help": "See the menu",
    "human_handoff": "Talk to a person",
    "register": "Register with DigiStokvel",
    "view_profile": "See my profile",
    "update_profile": "Change my details",
    "create_stokvel": "Start a new stokvel",
    "join_stokvel": "Join a stokvel",
    "list_my_stokvels": "List my stokvels",
    "stokvel_summary": "See the pot and next dates",
    "view_constitution": "See our stokvel's rules",
    "leave_stokvel": "Leave a stokvel",
    "invite_member": "Invite a member",
    "make_contribution": "Pay in (make a contribution)",
    "contribution_history": "See what I've paid",
    "payout_schedule": "See the payout schedule",
    "request_payout": "Request a payout",
    "view_interest": "See interest earned",
    "pending_applications": "See join requests",
    "change_stokvel_settings": "Change stokvel settings",
}
MAX_GUESSES = 3


def top_guesses(tracker: Tracker) -> List[Text]:
    ranking = tracker.latest_message.get("intent_ranking") or []
    names = [item.get("name") for item in ranking]
    return [name for name in names if name in INTENT_TITLES][:MAX_GUESSES]


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        guesses = top_guesses(tracker)
        buttons = [button(INTENT_TITLES[name], name) for name in guesses]
        buttons.append(button("None of these", "deny"))
        dispatcher.utter_message(text="Sorry, I'm not sure I understood. Did you mean:", buttons=buttons)
        return []
