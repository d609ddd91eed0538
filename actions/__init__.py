"""The rasa-sdk action server: thin actions that read slots, call the domain core
(`stokvel`) and turn its results or errors into replies.

May import rasa-sdk and `stokvel`; never Rasa itself, Flask or APScheduler.
"""
