"""The Flask site for everything too detailed for a chat: registration, creating and
joining stokvels, admin approvals, profile and settings, statements, and the Open Payments
grant-finish callbacks. Reached only through signed, expiring personal links
(`stokvel.links`), then a 30-minute session; CSRF tokens on every form.

- `app.create_app()`; `python -m forms_web --port N` serves it with waitress.
- `views/`: one blueprint per area; `forms.py`: the forms; `templates/`, `static/`.
- The browser tests' throwaway stack, demo data and `make screenshots` live in `ops/`.

May import Flask and its extensions and `stokvel`; never Rasa or APScheduler.
"""
