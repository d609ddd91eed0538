"""An offline Twilio (port 4010): the Messages API, an outbox of what the bot sent, signed
inbound webhooks that play WhatsApp members, status callbacks, and a local chat.
"""
