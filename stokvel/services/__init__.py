"""Domain services: plain functions taking a SQLAlchemy `Session` first.

One module per area, one place for each rule:
members (accounts), stokvels (creating, finding, settings), constitution (rules and their
versions), roles (who is member/admin), invites, applications (joining), grants (Open
Payments grants as stored), rotation (payout order), memberships (leaving), approvals
(treasurer-style), ledger (every movement of money), schedules (what is due when),
interest, queries (read-only views), notices (messages for the caller to send) and clock.

They flush but never commit: the caller's unit of work (`stokvel.db.session_scope`) does.
Every broken rule raises a `stokvel.errors.DomainError` whose `.message` a member can read,
before anything is written.
"""
