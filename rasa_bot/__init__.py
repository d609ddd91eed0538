"""Our WhatsApp channel for Rasa: Twilio webhooks in (`POST /webhooks/whatsapp/webhook`),
replies out through Twilio's Messages API.

Loaded by the Rasa server through `credentials.yml`. May import Rasa, the twilio library
and `stokvel` (for phone numbers and the messaging window); nothing from the other processes.
"""
