"""Errors the store raises. Each message is one line that names what was wrong."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class NotFound(StoreError):
    """A council, municipality, cycle, person or notification that does not exist (or is
    not the caller's)."""


class InvalidMunicipalityFile(StoreError):
    """A municipality file that cannot be read, or whose content is wrong."""


class ConflictingId(StoreError):
    """An id in a municipality file already belongs to another municipality."""


class InvalidVolunteer(StoreError):
    """A volunteer entry the registry refuses (a registration dated in the future)."""
