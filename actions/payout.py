"""Requesting a payout: stokvel, amount, confirmation; then an admin approves it
(`stokvel.services.approvals`) and the settlement sweep pays it."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.cancel import clear_form_slots
from actions.contribution import not_in_a_stokvel
from actions.forms_common import YES_NO, StokvelFormValidation, chosen_stokvel
from actions.identity import caller_number
from stokvel.db import session_scope
from stokvel.errors import DomainError, InvalidInput
from stokvel.money import format_money, parse_money
from stokvel.notify import send_whatsapp
from stokvel.services import approvals, members, roles


class ValidatePayoutForm(StokvelFormValidation):
    form = "payout_form"

    def validate_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        try:
            return {"amount": format_money(parse_money(str(value)))}
        except InvalidInput as error:
            dispatcher.utter_message(text=error.message)
            return {"amount": None}


class ActionAskPayoutConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_payout_form_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(
            text=(
                f"*Please check:*\nAsk for a payout of {tracker.get_slot('amount')} from "
                f"{tracker.get_slot('stokvel_name')}. An admin must approve it before it is paid "
                "to your wallet.\nShall I send the request? (yes / no)"
            ),
            buttons=YES_NO,
        )
        return []


class ActionSubmitPayout(Action):
    def name(self) -> Text:
        return "action_submit_payout"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if not_in_a_stokvel(dispatcher, tracker):
            return clear_form_slots()
        if tracker.get_slot("confirmed") is not True:
            dispatcher.utter_message(text="Okay, I haven't sent a payout request.")
            return clear_form_slots()
        stokvel = chosen_stokvel(tracker)
        number = caller_number(tracker)
        notices: List[Tuple[str, str]] = []
        try:
            with session_scope() as session:
                decision = approvals.request_payout(
                    session, stokvel.stokvel_id, number, tracker.get_slot("amount")
                )
                approved = decision.request.status == "approved"
                if not approved:
                    member = members.get_by_number(session, number)
                    notices = [
                        (admin.member.number,
                         f"{member.full_name} asked for a payout of {tracker.get_slot('amount')} "
                         f"from {stokvel.name}. Please approve or reject it.")
                        for admin in roles.admins(session, stokvel.stokvel_id)
                        if admin.member_id != member.id
                    ]
        except DomainError as error:
            dispatcher.utter_message(text=error.message)
            return clear_form_slots()
        for admin_number, text in notices:
            await asyncio.to_thread(send_whatsapp, admin_number, text)
        if approved:
            dispatcher.utter_message(
                text=f"Your payout of {tracker.get_slot('amount')} from {stokvel.name} is approved. "
                "It will be paid to your wallet in the next settlement run."
            )
        else:
            dispatcher.utter_message(
                text=f"Your request for {tracker.get_slot('amount')} from {stokvel.name} is with the "
                "admins. I'll tell you when they decide."
            )
        return clear_form_slots()
