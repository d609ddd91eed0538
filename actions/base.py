"""The shape every stokvel action shares: one unit of work, domain errors as replies."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.context import StokvelContext, stokvel_context
from stokvel.db import session_scope
from stokvel.errors import DomainError


class StokvelAction(Action, ABC):
    """An answer about one of the member's stokvels.

    Subclasses set `action_name`, `intent` (re-sent by the "which stokvel?" buttons) and
    `question`, and implement `answer`. A DomainError becomes its plain-words message and
    rolls back anything the action wrote.
    """

    action_name: str
    intent: str
    question: str = "Which stokvel?"

    def name(self) -> Text:
        return self.action_name

    @abstractmethod
    def answer(
        self, session: Session, dispatcher: CollectingDispatcher, tracker: Tracker, ctx: StokvelContext
    ) -> None:
        """Reply about `ctx.stokvel`; raise a DomainError to refuse."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        try:
            with session_scope() as session:
                ctx = stokvel_context(session, tracker, dispatcher, self.intent, self.question)
                if ctx is not None:
                    self.answer(session, dispatcher, tracker, ctx)
        except DomainError as error:
            dispatcher.utter_message(text=error.message)
        # The name was for this answer only: a later request must not inherit it.
        return [SlotSet("stokvel_name", None)]
