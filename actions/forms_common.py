"""What every stokvel form shares: who may fill it, which stokvel it is about, and the
"which stokvel?" question.

A caller who is not registered, or who is in no stokvel, gets an empty list of required
slots: the form ends at once and its submit action tells them what to do instead.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.choose import match_name
from actions.identity import caller_number
from actions.replies import stokvel_buttons
from stokvel.db import session_scope
from stokvel.services import members, queries
from stokvel.services.queries import MyStokvel

# The intent each form's buttons re-send, so that "2" answers inside the form.
FORM_INTENTS = {
    "contribution_form": "make_contribution",
    "payout_form": "request_payout",
    "leave_form": "leave_stokvel",
    "settings_form": "change_stokvel_settings",
    "profile_form": "update_profile",
}
STOKVEL_QUESTIONS = {
    "contribution_form": "Which stokvel are you paying into?",
    "payout_form": "Which stokvel do you want a payout from?",
    "leave_form": "Which stokvel do you want to leave?",
    "settings_form": "Which stokvel's settings?",
}
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


def caller_stokvels(tracker: Tracker) -> Optional[List[MyStokvel]]:
    """The caller's stokvels, or None when they are not registered."""
    number = caller_number(tracker)
    if number is None:
        return None
    with session_scope() as session:
        if members.find_by_number(session, number) is None:
            return None
        return queries.my_stokvels(session, number)


def chosen_stokvel(tracker: Tracker, name: Optional[str] = None) -> Optional[MyStokvel]:
    """The caller's stokvel called `name` (by default the validated stokvel_name slot)."""
    name = name or tracker.get_slot("stokvel_name")
    mine = caller_stokvels(tracker) or []
    return next((s for s in mine if s.name == name), None)


class StokvelFormValidation(FormValidationAction, ABC):
    """Base validation for forms that start by choosing one of the member's stokvels."""

    @property
    @abstractmethod
    def form(self) -> str:
        """The form's name in domain.yml (subclasses set it as a class attribute)."""

    def name(self) -> Text:
        return f"validate_{self.form}"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        mine = caller_stokvels(tracker)
        return list(domain_slots) if mine else []

    async def extract_stokvel_name(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """A member in one stokvel is never asked which."""
        if tracker.get_slot("stokvel_name") is not None:
            return {}
        mine = caller_stokvels(tracker) or []
        return {"stokvel_name": mine[0].name} if len(mine) == 1 else {}

    def validate_stokvel_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        mine = caller_stokvels(tracker) or []
        names = [s.name for s in mine]
        found = match_name(str(value), names) if value else None
        if found is None:
            dispatcher.utter_message(text=f"You're not a member of a stokvel called '{value}'.")
            return {"stokvel_name": None}
        return {"stokvel_name": found}


class ActionAskStokvelName(Action):
    """'Which stokvel?' with the member's stokvels as numbered buttons."""

    def name(self) -> Text:
        return "action_ask_stokvel_name"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        form = tracker.active_loop_name or ""
        names = [s.name for s in caller_stokvels(tracker) or []]
        dispatcher.utter_message(
            text=STOKVEL_QUESTIONS.get(form, "Which stokvel?"),
            buttons=stokvel_buttons(names, FORM_INTENTS.get(form, "stokvel_summary")),
        )
        return []
