"""The domain core: models and database sessions, money, the services (members, stokvels,
applications, contributions, payouts, statements, interest), the Open Payments client
(`stokvel.payments`) and outbound notifications (`stokvel.notify`).

Every process imports it. It may import only the standard library and plain libraries
(SQLAlchemy, phonenumbers, requests, cryptography, ...): never Rasa, Flask or APScheduler.
"""
