"""The daily settlement sweep (APScheduler): collects contributions due, pays payouts
owed, applies penalties, sends reminders and retries failures.

May import APScheduler and `stokvel`; never Rasa or Flask.
"""
