"""The Flask site for everything too detailed for a chat: registration, creating and
joining stokvels, admin approvals, profile and settings, statements, and the Open Payments
grant-finish callbacks. Reached only through signed, expiring personal links.

May import Flask and its extensions and `stokvel`; never Rasa or APScheduler.
"""
