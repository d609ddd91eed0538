"""Errors the domain core raises when a rule is broken.

Every error carries `.message`: plain words a member can read as-is (the bot and the
forms show it unchanged). A broken rule raises before anything is written, so bad input
changes nothing.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a rule of DigiStokvel was not met."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """What the member typed cannot be understood or is out of bounds."""


class NotFound(DomainError):
    """The member, stokvel, code or request does not exist (or is not theirs to see)."""


class AlreadyExists(DomainError):
    """A second account, stokvel name, membership or application where one is allowed."""


class NotAdmin(DomainError):
    """Only an admin of the stokvel may do this."""


class NotMember(DomainError):
    """Only an active member of the stokvel may do this."""


class StokvelFull(DomainError):
    """The stokvel has reached its maximum number of members."""


class InvalidState(DomainError):
    """The thing exists but is not in a state that allows this (e.g. already decided)."""


class LastAdmin(DomainError):
    """The last admin cannot leave or step down without appointing another."""


class ApprovalConflict(DomainError):
    """An approval must come from a different admin than the requester."""
