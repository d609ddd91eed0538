"""Replies to WhatsApp members through Twilio's Messages API (via stokvel.notify, which
picks free-form text or an approved template by the 24-hour window and records each one)."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.core.channels.channel import OutputChannel

from rasa_bot.blocking import in_db_thread, in_send_thread

from stokvel.notify import send_whatsapp
from stokvel.notify.menus import numbered_list, remember_menu


class WhatsAppOutput(OutputChannel):
    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await in_send_thread(send_whatsapp, recipient_id, text)

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        """One message with a numbered list; the member answers with a number or a title."""
        # Remembered before sending, so that even the quickest answer finds the menu.
        await in_db_thread(remember_menu, recipient_id, buttons)
        await self.send_text_message(recipient_id, numbered_list(text, buttons))

    async def send_custom_json(
        self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any
    ) -> None:
        """`custom: {template: <name>, variables: {"1": ...}, text: ...}` in a response sends
        `text` inside the 24-hour window and the approved template outside it."""
        await in_send_thread(
            send_whatsapp,
            recipient_id,
            json_message.get("text", ""),
            template=json_message.get("template"),
            variables=json_message.get("variables"),
        )
