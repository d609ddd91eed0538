"""The menu ('help'), and the last two steps of the low-confidence fallback."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.identity import caller_member
from actions.replies import button
from stokvel.db import session_scope
from stokvel.services import queries

GUEST_MENU = [button("Register with DigiStokvel", "register")]
MEMBER_MENU = [
    button("Pay in (make a contribution)", "make_contribution"),
    button("The pot and next dates", "stokvel_summary"),
    button("What I've paid", "contribution_history"),
    button("Payout schedule", "payout_schedule"),
    button("Our rules", "view_constitution"),
    button("Request a payout", "request_payout"),
    button("Join or create a stokvel", "join_stokvel"),
    button("My profile", "view_profile"),
    button("Talk to a person", "human_handoff"),
]
ADMIN_MENU = [
    button("Invite a member", "invite_member"),
    button("Join requests", "pending_applications"),
    button("Stokvel settings", "change_stokvel_settings"),
]


def show_menu(dispatcher: CollectingDispatcher, tracker: Tracker, intro: str) -> None:
    with session_scope() as session:
        member = caller_member(session, tracker)
        is_admin = member is not None and any(
            s.role == "admin" for s in queries.my_stokvels(session, member.number)
        )
    if member is None:
        dispatcher.utter_message(
            text=f"{intro} You're not registered yet, so start here (or ask me anything about "
            "stokvels, e.g. *what is a stokvel?*):",
            buttons=GUEST_MENU,
        )
        return
    buttons = MEMBER_MENU + (ADMIN_MENU if is_admin else [])
    dispatcher.utter_message(text=f"{intro} What would you like to do?", buttons=buttons)


class ActionHelp(Action):
    def name(self) -> Text:
        return "action_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        show_menu(dispatcher, tracker, "I'm the DigiStokvel assistant.")
        return []


class ActionDefaultAskRephrase(Action):
    """Second stage of the fallback: the member said none of the guesses was right."""

    def name(self) -> Text:
        return "action_default_ask_rephrase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            text="Sorry about that. Could you say it in other words? For example: "
            "*pay R500*, *how much is in the pot* or *when is my payout*."
        )
        return []


class ActionDefaultFallback(Action):
    """Still not understood: show the help menu and forget the message."""

    def name(self) -> Text:
        return "action_default_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        show_menu(dispatcher, tracker, "Sorry, I still didn't understand.")
        return [UserUtteranceReverted()]
