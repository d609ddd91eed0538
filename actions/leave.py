"""Leaving a stokvel: the consequences first (`memberships.leave_preview`), then an
explicit yes before the membership ends."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.cancel import clear_form_slots
from actions.contribution import not_in_a_stokvel
from actions.forms_common import YES_NO, StokvelFormValidation, chosen_stokvel
from actions.identity import caller_number
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.notify import send_whatsapp
from stokvel.services import memberships


class ValidateLeaveForm(StokvelFormValidation):
    form = "leave_form"

    def validate_stokvel_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        result = super().validate_stokvel_name(value, dispatcher, tracker, domain)
        if result["stokvel_name"] is None:
            return result
        stokvel = chosen_stokvel(tracker, result["stokvel_name"])
        try:
            with session_scope() as session:
                memberships.leave_preview(session, stokvel.stokvel_id, caller_number(tracker))
        except DomainError as error:
            # e.g. the last admin: no answer makes leaving possible, so the form ends here.
            dispatcher.utter_message(text=error.message)
            return {**result, "confirmed": False}
        return result


class ActionAskLeaveConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_leave_form_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        stokvel = chosen_stokvel(tracker)
        with session_scope() as session:
            preview = memberships.leave_preview(session, stokvel.stokvel_id, caller_number(tracker))
        dispatcher.utter_message(
            text=f"{preview.message}\n\nDo you really want to leave {preview.stokvel_name}? (yes / no)",
            buttons=YES_NO,
        )
        return []


class ActionSubmitLeave(Action):
    def name(self) -> Text:
        return "action_submit_leave"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if not_in_a_stokvel(dispatcher, tracker):
            return clear_form_slots()
        if tracker.get_slot("confirmed") is not True:
            dispatcher.utter_message(text="Okay, you're still a member. Nothing changed.")
            return clear_form_slots()
        stokvel = chosen_stokvel(tracker)
        try:
            with session_scope() as session:
                outcome = memberships.leave(session, stokvel.stokvel_id, caller_number(tracker))
                notices = [(n.number, n.text) for n in outcome.notices]
        except DomainError as error:
            dispatcher.utter_message(text=error.message)
            return clear_form_slots()
        for number, text in notices:
            await asyncio.to_thread(send_whatsapp, number, text)
        refund = f" {outcome.owed_to_member} will be paid back to your wallet." if outcome.owed_to_member else ""
        dispatcher.utter_message(
            text=f"You have left {outcome.stokvel_name}. No more contributions will be collected.{refund}"
        )
        return clear_form_slots()
