"""Which stokvel a message is about.

A member in one stokvel is never asked; a member in several is asked with numbered
buttons, unless the message (or a form slot) names one. Names are matched loosely, and
only against the member's own stokvels ("mamelodi" finds "Mamelodi Savers").
"""

from __future__ import annotations

import difflib
from typing import Callable, List, Optional, Sequence, TypeVar

from rasa_sdk.executor import CollectingDispatcher

from actions.replies import stokvel_buttons
from stokvel.services.stokvels import name_key

T = TypeVar("T")


def match_name(named: str, names: Sequence[str]) -> Optional[str]:
    """The one name in `names` that `named` refers to, or None."""
    wanted = name_key(named)
    by_key = {name_key(name): name for name in names}
    if wanted in by_key:
        return by_key[wanted]
    partial = [name for key, name in by_key.items() if wanted in key or key in wanted]
    if len(partial) == 1:
        return partial[0]
    close = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=0.75)
    return by_key[close[0]] if close else None


def pick_stokvel(
    dispatcher: CollectingDispatcher,
    options: List[T],
    name_of: Callable[[T], str],
    named: Optional[str],
    intent: str,
    question: str = "Which stokvel?",
) -> Optional[T]:
    """The stokvel the member means, or None after telling them why / asking which one.

    Buttons re-send `intent` with the chosen name, so the answer "2" repeats the request
    for that stokvel.
    """
    if not options:
        dispatcher.utter_message(
            text="You're not in any stokvel yet. Say *join a stokvel* (with your invite code) "
            "or *create a stokvel* to start one."
        )
        return None
    names = [name_of(option) for option in options]
    if named:
        found = match_name(named, names)
        if found is not None:
            return options[names.index(found)]
        dispatcher.utter_message(
            text=f"You're not a member of a stokvel called '{named}'. Your stokvels are:",
            buttons=stokvel_buttons(names, intent),
        )
        return None
    if len(options) == 1:
        return options[0]
    dispatcher.utter_message(text=question, buttons=stokvel_buttons(names, intent))
    return None
