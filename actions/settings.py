"""Changing a stokvel's settings (admins only): the detail is entered on the web form;
the domain core's NotAdmin error is the refusal a member sees."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.cancel import clear_form_slots
from actions.contribution import not_in_a_stokvel
from actions.forms_common import StokvelFormValidation, chosen_stokvel
from actions.identity import caller_number
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.links import make_link
from stokvel.services import roles


class ValidateSettingsForm(StokvelFormValidation):
    form = "settings_form"


class ActionSubmitSettings(Action):
    def name(self) -> Text:
        return "action_submit_settings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if not_in_a_stokvel(dispatcher, tracker):
            return clear_form_slots()
        stokvel = chosen_stokvel(tracker)
        number = caller_number(tracker)
        try:
            with session_scope() as session:
                roles.require_admin(session, stokvel.stokvel_id, number)
        except DomainError as error:
            dispatcher.utter_message(
                text=f"{error.message} Say *talk to a human* if you'd like to suggest a change to them."
            )
            return clear_form_slots()
        link = make_link(number, "settings", stokvel_id=stokvel.stokvel_id)
        dispatcher.utter_message(
            text=(
                f"Change {stokvel.name}'s name, member limit, contribution amount or schedule here "
                f"(link valid 15 minutes): {link}\nChanges to the rules apply from the next period, "
                "and every member is told."
            )
        )
        return clear_form_slots()
