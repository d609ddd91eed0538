"""Registering, the member's profile, creating and joining stokvels.

Detailed input happens on the web forms: the bot hands a personal, signed link
(`stokvel.links.make_link`). Joining with an invite code in the message applies at once.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.context import named_stokvel, registered_member
from actions.identity import caller_member
from actions.replies import send_registration_link
from stokvel.db import session_scope
from stokvel.errors import DomainError
from stokvel.links import make_link
from stokvel.notify import send_whatsapp
from stokvel.services import applications, invites, members, roles, stokvels
from stokvel.services.invites import CODE_LENGTH, normalise_code

# Words that look like an invite code even when the model did not tag one: six
# letters/digits with a digit ("K7P2QX") or typed in capitals ("KPQXRT").
CODE_LIKE = re.compile(rf"^(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{{{CODE_LENGTH}}}$|^[A-Z]{{{CODE_LENGTH}}}$")
SIX_LETTERS = re.compile(rf"^[A-Za-z]{{{CODE_LENGTH}}}$")


def invite_code_in(session: Session, tracker: Tracker) -> Optional[str]:
    """The invite code in the latest message: the tagged one, else a code-like word, else a
    plain six-letter word that is an active code ("my code is kpqxrt")."""
    tagged = next(tracker.get_latest_entity_values("invite_code"), None)
    if tagged:
        return normalise_code(tagged)
    words = re.findall(r"[A-Za-z0-9]+", tracker.latest_message.get("text") or "")
    code_like = [w for w in words if CODE_LIKE.match(w)]
    if code_like:
        return normalise_code(code_like[0])
    for word in filter(SIX_LETTERS.match, words):
        try:
            return invites.find_active(session, word).code
        except DomainError:
            continue
    return None


class ActionRegister(Action):
    def name(self) -> Text:
        return "action_register"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            member = caller_member(session, tracker)
        if member is None:
            send_registration_link(dispatcher, tracker)
        else:
            dispatcher.utter_message(
                text=f"You're already registered, {member.name}. Say *my profile* to see your details."
            )
        return []


class ActionViewProfile(Action):
    def name(self) -> Text:
        return "action_view_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            member = registered_member(session, tracker, dispatcher)
            if member is None:
                return []
            language = members.LANGUAGES.get(member.language, member.language)
            dispatcher.utter_message(
                text=(
                    "*Your profile*\n"
                    f"Name: {member.name}\nSurname: {member.surname}\n"
                    f"WhatsApp: {member.number}\nWallet: {member.wallet_address}\n"
                    f"Language: {language}\n\nSay *update my profile* to change something."
                )
            )
        return []


class ActionCreateStokvel(Action):
    def name(self) -> Text:
        return "action_create_stokvel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        with session_scope() as session:
            member = registered_member(session, tracker, dispatcher)
        if member is not None:
            link = make_link(member.number, "create")
            dispatcher.utter_message(
                text=(
                    "Let's set up your stokvel! On this form you choose its name, the contribution "
                    "amount and dates, the number of members and the payout order. You'll be its admin.\n"
                    f"Your personal link (valid 15 minutes): {link}"
                )
            )
        return [SlotSet("stokvel_name", None)]


class ActionJoinStokvel(Action):
    def name(self) -> Text:
        return "action_join_stokvel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        named = named_stokvel(tracker)
        notices: List[tuple[str, str]] = []
        try:
            with session_scope() as session:
                member = registered_member(session, tracker, dispatcher)
                if member is None:
                    return []
                code = invite_code_in(session, tracker)
                if code is None and named is None:
                    dispatcher.utter_message(
                        text=(
                            "To join a stokvel, send me its invite code, e.g. *my code is K7P2QX* "
                            "(ask the stokvel's admin for it), or its name if it is open to everyone.\n"
                            f"Or search on the web (link valid 15 minutes): {make_link(member.number, 'join')}"
                        )
                    )
                    return [SlotSet("stokvel_name", None), SlotSet("invite_code", None)]
                if code is not None:
                    application = applications.apply(session, member.number, invite_code=code)
                else:
                    stokvel = stokvels.get_by_name(session, named)
                    application = applications.apply(session, member.number, stokvel_id=stokvel.id)
                stokvel = application.stokvel
                for admin in roles.admins(session, stokvel.id):
                    notices.append((
                        admin.member.number,
                        f"{member.full_name} ({member.number}) asked to join {stokvel.name}. "
                        "Say *pending applications* to approve or decline.",
                    ))
                dispatcher.utter_message(
                    text=(
                        f"Done! Your request to join *{stokvel.name}* is with its admins. "
                        "I'll let you know as soon as they answer."
                    )
                )
        except DomainError as error:
            dispatcher.utter_message(text=error.message)
        for number, text in notices:
            await asyncio.to_thread(send_whatsapp, number, text)
        return [SlotSet("stokvel_name", None), SlotSet("invite_code", None)]
