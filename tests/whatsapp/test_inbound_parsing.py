"""Reading Twilio's webhook fields: sender, text, profile name, media and location."""

from __future__ import annotations

import pytest

from rasa_bot.inbound import as_member_text, parse_webhook
from stokvel.errors import InvalidInput


def test_a_text_message():
    message = parse_webhook(
        {"MessageSid": "SM1", "From": "whatsapp:+27821234567", "Body": "  howzit ",
         "ProfileName": "Thandi", "WaId": "27821234567", "NumMedia": "0"}
    )
    assert (message.number, message.text) == ("+27821234567", "howzit")
    assert message.metadata == {"message_sid": "SM1", "profile_name": "Thandi", "wa_id": "27821234567"}
    assert not message.has_non_text


def test_a_voice_note_and_a_location_are_metadata():
    voice = parse_webhook({"MessageSid": "SM2", "From": "whatsapp:+27821234567", "Body": "",
                           "NumMedia": "1", "MediaUrl0": "https://x/v.ogg",
                           "MediaContentType0": "audio/ogg"})
    assert voice.metadata["media"] == [{"url": "https://x/v.ogg", "content_type": "audio/ogg"}]
    place = parse_webhook({"MessageSid": "SM3", "From": "whatsapp:+27821234567",
                           "Latitude": "-25.7", "Longitude": "28.2", "Label": "Home"})
    assert place.metadata["location"]["label"] == "Home"
    assert voice.has_non_text and place.has_non_text


def test_a_sender_that_is_not_a_phone_number_is_refused():
    with pytest.raises(InvalidInput):
        parse_webhook({"MessageSid": "SM4", "From": "whatsapp:hello", "Body": "hi"})


@pytest.mark.parametrize(
    "typed, understood",
    [("/greet", "greet"), ('//pay{"amount": 5}', 'pay{"amount": 5}'), ("R500 / month", "R500 / month")],
)
def test_a_leading_slash_is_not_an_intent(typed, understood):
    assert as_member_text(typed) == understood
