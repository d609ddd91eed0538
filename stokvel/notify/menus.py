"""Numbered menus: WhatsApp (through Twilio) has no clickable buttons in free-form
messages, so the bot sends buttons as a numbered list and remembers it; the member's next
message, if it is "2" or a button's title, selects that button.
"""

from __future__ import annotations

import re
from typing import Dict, List, Optional

from stokvel.notify.inbound import update_contact

CHOICE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def remember_menu(number: str, buttons: List[Dict[str, str]]) -> None:
    """Keep the buttons just sent to `number` ([{"title", "payload"}], in their order)."""
    menu = [{"title": b["title"], "payload": b["payload"]} for b in buttons]

    def keep(row) -> None:
        row.menu = menu

    update_contact(number, keep)


def take_choice(number: str, text: str) -> Optional[str]:
    """The payload of the button `text` selects from the last menu, or None.

    A menu answers only the member's next message: whatever they write, it is used up,
    so an old list never captures a later, unrelated "2".
    """
    def use_up(row) -> list:
        menu, row.menu = row.menu or [], None
        return menu

    menu = update_contact(number, use_up)
    match = CHOICE_NUMBER.match(text)
    if match:
        index = int(match.group(1)) - 1
        return menu[index]["payload"] if 0 <= index < len(menu) else None
    wanted = text.strip().casefold()
    return next((b["payload"] for b in menu if b["title"].strip().casefold() == wanted), None)


def numbered_list(text: str, buttons: List[Dict[str, str]]) -> str:
    """The message that shows `buttons` as a numbered list under `text`."""
    lines = [f"{i}. {b['title']}" for i, b in enumerate(buttons, start=1)]
    return "\n".join([text, "", *lines, "", "Reply with a number."]).strip()
