"""Action tests run the real action classes through rasa-sdk (`Tracker`,
`CollectingDispatcher`) against a real migrated database, the payment sandbox and the
Twilio sandbox over HTTP.

The sandboxes, the migrated template database and the `World` builder (members with
sandbox wallets, stokvels, grants approved on the sandbox's page) are the settlement
suite's: one definition of "a member with a working wallet" for the whole project.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.settlement.conftest import World, db, stack  # noqa: F401  (fixtures re-used)

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())


@pytest.fixture
def world(stack, db) -> World:  # noqa: F811
    return World(stack)


class Turn:
    """One run of an action: what it said and the events it returned."""

    def __init__(self, messages: List[Dict[str, Any]], events: List[Dict[str, Any]]):
        self.messages = messages
        self.events = events

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)

    @property
    def buttons(self) -> List[Dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]

    def slot(self, name: str) -> Any:
        values = [e["value"] for e in self.events if e.get("event") == "slot" and e.get("name") == name]
        assert values, f"no SlotSet for {name} in {self.events}"
        return values[-1]


def tracker_for(
    number: str,
    text: str = "",
    intent: str = "",
    entities: Iterable[tuple[str, str]] = (),
    slots: Optional[Dict[str, Any]] = None,
    set_now: Optional[Dict[str, Any]] = None,
    active_loop: Optional[str] = None,
    ranking: Optional[List[Dict[str, Any]]] = None,
) -> Tracker:
    """A tracker as Rasa sends it: `slots` were set earlier, `set_now` by this user turn
    (what a form's validation action sees as slots to validate)."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": e, "value": v} for e, v in entities],
        "intent_ranking": ranking or [],
    }
    events: List[Dict[str, Any]] = [{"event": "user", "text": text, "parse_data": latest}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (set_now or {}).items()]
    all_slots = {**(slots or {}), **(set_now or {})}
    if active_loop:
        all_slots.setdefault("requested_slot", None)
    return Tracker(number, all_slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run_action(action: Action, tracker: Tracker) -> Turn:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return Turn(dispatcher.messages, events)
