"""Updating one profile field: which one (name, surname, language, wallet), then its new
value, checked and saved by `stokvel.services.members.update_profile`."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.cancel import clear_form_slots
from actions.context import registered_member
from actions.identity import caller_number
from actions.replies import button
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.services import members

FIELD_TITLES = {"name": "Name", "surname": "Surname", "language": "Language", "wallet_address": "Wallet address"}
# Words members use for each field (checked in this order: "surname" before "name").
FIELD_WORDS = [
    ("wallet_address", re.compile(r"wallet|pointer|payment address", re.I)),
    ("language", re.compile(r"lang|ulimi|ulwimi|puo|taal|zulu|xhosa|sotho|afrikaans|english", re.I)),
    ("surname", re.compile(r"surname|last name|family name|van\b|isibongo|fane", re.I)),
    ("name", re.compile(r"name|naam|igama|lebitso", re.I)),
]


def field_in(text: str) -> Optional[str]:
    return next((field for field, words in FIELD_WORDS if words.search(text or "")), None)


class ValidateProfileForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_profile_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> List[Text]:
        number = caller_number(tracker)
        with session_scope() as session:
            registered = number is not None and members.find_by_number(session, number) is not None
        return list(domain_slots) if registered else []

    async def extract_profile_field(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        """'change my language' names the field in the request itself."""
        if tracker.get_slot("profile_field") is not None:
            return {}
        if (tracker.latest_message.get("intent") or {}).get("name") != "update_profile":
            return {}
        found = field_in(tracker.latest_message.get("text") or "")
        return {"profile_field": found} if found else {}

    def validate_profile_field(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        field = value if value in FIELD_TITLES else field_in(str(value))
        if field is None:
            dispatcher.utter_message(text="I can change your name, surname, language or wallet address.")
        return {"profile_field": field}

    def validate_profile_value(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        # Checked the way update_profile will check it, so a bad value is asked again.
        field = tracker.get_slot("profile_field")
        try:
            if field == "language":
                members.normalise_language(str(value))
            elif not str(value).strip():
                raise ValueError
        except DomainError as error:
            dispatcher.utter_message(text=error.message)
            return {"profile_value": None}
        except ValueError:
            return {"profile_value": None}
        return {"profile_value": str(value).strip()}


class ActionAskProfileField(Action):
    def name(self) -> Text:
        return "action_ask_profile_field"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            text="What would you like to change?",
            buttons=[button(title, "update_profile", profile_field=field) for field, title in FIELD_TITLES.items()],
        )
        return []


class ActionAskProfileValue(Action):
    def name(self) -> Text:
        return "action_ask_profile_value"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        field = tracker.get_slot("profile_field")
        if field == "language":
            choices = ", ".join(members.LANGUAGES.values())
            dispatcher.utter_message(text=f"Which language would you like? ({choices})")
        elif field == "wallet_address":
            dispatcher.utter_message(text="What is your new wallet address? (e.g. https://wallet.example/your-name)")
        else:
            dispatcher.utter_message(text=f"What should your {FIELD_TITLES.get(field, field).lower()} be?")
        return []


class ActionSubmitProfile(Action):
    def name(self) -> Text:
        return "action_submit_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        field, value = tracker.get_slot("profile_field"), tracker.get_slot("profile_value")
        with session_scope() as session:
            if registered_member(session, tracker, dispatcher) is None:
                return clear_form_slots()
        if field not in FIELD_TITLES or value is None:
            return clear_form_slots()
        try:
            with session_scope() as session:
                members.update_profile(session, caller_number(tracker), **{field: value})
        except DomainError as error:
            dispatcher.utter_message(text=f"{error.message} Nothing was changed.")
            return clear_form_slots()
        dispatcher.utter_message(text=f"Done. Your {FIELD_TITLES[field].lower()} is now {value}.")
        return clear_form_slots()
