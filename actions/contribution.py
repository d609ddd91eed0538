"""Paying in now: stokvel, amount, then a summary with the quote's debit amount and fees,
and an explicit yes before any money moves (`stokvel.settlement`)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.cancel import clear_form_slots
from actions.context import registered_member
from actions.forms_common import YES_NO, StokvelFormValidation, chosen_stokvel
from actions.identity import caller_number
from stokvel import settlement
from stokvel.db import session_scope
from stokvel.errors import DomainError, InvalidInput
from stokvel.money import Money, format_money, parse_money
from stokvel.settlement import ContributionQuote


def not_in_a_stokvel(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """For submit actions: True (after telling the member) when the form ended because the
    caller is not registered or in no stokvel."""
    if tracker.get_slot("stokvel_name") is not None:
        return False
    with session_scope() as session:
        member = registered_member(session, tracker, dispatcher)
    if member is not None:
        dispatcher.utter_message(
            text="You're not in any stokvel yet. Say *join a stokvel* (with your invite code) "
            "or *create a stokvel* to start one."
        )
    return True


class ValidateContributionForm(StokvelFormValidation):
    form = "contribution_form"

    def validate_stokvel_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        result = super().validate_stokvel_name(value, dispatcher, tracker, domain)
        amount = tracker.get_slot("amount")
        if result["stokvel_name"] is None or amount is None or "amount" in tracker.slots_to_validate():
            return result
        # The amount came first ("pay R500", then the choice of stokvel): quote it now.
        return {**result, **self.quote(dispatcher, tracker, result["stokvel_name"], amount)}

    def validate_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        return self.quote(dispatcher, tracker, tracker.get_slot("stokvel_name"), value)

    @staticmethod
    def quote(
        dispatcher: CollectingDispatcher, tracker: Tracker, stokvel_name: Any, amount: Any
    ) -> Dict[Text, Any]:
        """Parse the amount and, once the stokvel is known, ask the provider for a quote.
        Nothing moves yet."""
        try:
            money = parse_money(str(amount))
        except InvalidInput as error:
            dispatcher.utter_message(text=error.message)
            return {"amount": None}
        stokvel = chosen_stokvel(tracker, stokvel_name) if stokvel_name else None
        if stokvel is None:
            return {"amount": format_money(money)}
        try:
            with session_scope() as session:
                quote = settlement.quote_contribution(
                    session, caller_number(tracker), stokvel.stokvel_id, money
                )
        except InvalidInput as error:
            dispatcher.utter_message(text=error.message)
            return {"amount": None}
        except DomainError as error:
            # Not something a different amount fixes (e.g. payments not authorised yet):
            # end the form; the submit action confirms that nothing moved.
            dispatcher.utter_message(text=error.message)
            return {"amount": format_money(money), "confirmed": False, "contribution_quote": None}
        return {"amount": format_money(money), "contribution_quote": dataclasses.asdict(quote)}


class ActionAskAmount(Action):
    def name(self) -> Text:
        return "action_ask_amount"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        stokvel = tracker.get_slot("stokvel_name")
        if tracker.active_loop_name == "payout_form":
            dispatcher.utter_message(text=f"How much do you want paid out from {stokvel}? (e.g. R1 500)")
        else:
            dispatcher.utter_message(text=f"How much do you want to pay into {stokvel}? (e.g. R500)")
        return []


class ActionAskContributionConfirmed(Action):
    def name(self) -> Text:
        return "action_ask_contribution_form_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        quote = ContributionQuote(**tracker.get_slot("contribution_quote"))
        fee = f" ({quote.fee} fees)" if quote.fee.minor else " (no fees)"
        dispatcher.utter_message(
            text=(
                f"*Please check:*\nPay {quote.amount} into {tracker.get_slot('stokvel_name')}.\n"
                f"Your wallet will be debited {quote.debit}{fee}.\n"
                "Shall I go ahead? (yes / no)"
            ),
            buttons=YES_NO,
        )
        return []


class ActionSubmitContribution(Action):
    def name(self) -> Text:
        return "action_submit_contribution"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if not_in_a_stokvel(dispatcher, tracker):
            return clear_form_slots()
        quote_fields = tracker.get_slot("contribution_quote")
        if tracker.get_slot("confirmed") is not True or not quote_fields:
            dispatcher.utter_message(text="Okay, I haven't paid anything. No money moved.")
            return clear_form_slots()
        quote = ContributionQuote(**quote_fields)
        try:
            outcome = await asyncio.to_thread(settlement.confirm_contribution, quote)
        except DomainError as error:
            dispatcher.utter_message(text=error.message)
            return clear_form_slots()
        amount = format_money(Money(outcome.amount_minor, quote.currency, quote.scale))
        if outcome.status == "collected":
            dispatcher.utter_message(
                text=f"✅ Paid! {amount} is in {outcome.stokvel_name}. Say *my contributions* for your statement."
            )
        elif outcome.status == "pending":
            dispatcher.utter_message(
                text=f"Your payment of {amount} to {outcome.stokvel_name} is still being processed. "
                "I'll let you know when it's confirmed; please don't pay again."
            )
        else:
            # Settlement's reasons read "<code>: <plain words>"; the member needs the words.
            reason = re.sub(r"^[a-z_]+:\s*", "", outcome.reason or "") or "the payment provider refused it."
            dispatcher.utter_message(
                text=f"❌ The payment of {amount} to {outcome.stokvel_name} did not go through: {reason}"
            )
        return clear_form_slots()
