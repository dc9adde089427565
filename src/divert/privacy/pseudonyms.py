"""Pseudonyms for analysts and the API: the same child always gets the same code, which names no one.

Performance analysts reconcile figures and follow children across months and files, so they
need a stable key for each child, but not who the child is. A pseudonym is a keyed hash
(HMAC-SHA256) of the child's register id: stable for as long as the key is kept, impossible to
reverse without the key, and different from every other installation's. The key is the
``DIVERT_PSEUDONYM_KEY`` setting; by default it is derived from ``SECRET_KEY``, so rotating the
secret key also rotates pseudonyms (set the key on its own to keep them stable across that).

While :func:`pseudonymising` is on (``PseudonymiseMiddleware`` turns it on for every request of
a role in ``PSEUDONYMISED_ROLES``), every ``Child`` and ``FamilyMember`` loaded from the
database is masked as it is loaded (``mask_child``, ``mask_family_member``): names become the
pseudonym, a date of birth becomes the first of its month (ages stay right to within a month),
a postcode keeps only its outward code, and the unique pupil number is dropped. A masked
record refuses to be saved, so a pseudonymised copy can never overwrite the real one.
"""

from __future__ import annotations

import base64
import contextvars
import hashlib
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

PREFIX = "P-"
MASKED = "_divert_pseudonymised"

_pseudonymising: contextvars.ContextVar[bool] = contextvars.ContextVar("divert_pseudonymising", default=False)


def _key() -> bytes:
    configured = getattr(settings, "DIVERT_PSEUDONYM_KEY", "")
    if configured:
        return str(configured).encode()
    return hashlib.sha256(b"divert-pseudonym:" + settings.SECRET_KEY.encode()).digest()


def pseudonym(child_pk: int | str) -> str:
    """The child's pseudonym, e.g. ``P-7KQ2MX4D9A``: ten base-32 characters of a keyed hash."""
    digest = hmac.new(_key(), f"child:{child_pk}".encode(), hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest).decode()[:10]


def pseudonymising() -> bool:
    """Whether records loaded now are masked (the current request is a pseudonymised role's)."""
    return _pseudonymising.get()


@contextmanager
def pseudonymised(on: bool = True) -> Iterator[None]:
    """Mask every child loaded inside the block (or, with ``on=False``, none)."""
    token = _pseudonymising.set(on)
    try:
        yield
    finally:
        _pseudonymising.reset(token)


def outward_code(postcode: str) -> str:
    """The district part of a postcode (``PL4 8AA`` -> ``PL4``): an area, not an address."""
    return (postcode or "").strip().split(" ")[0] if postcode else ""


def _set(instance: Any, field: str, value: Any) -> None:
    # Only fields that were loaded: masking must not trigger a query for a deferred field.
    if field in instance.__dict__:
        instance.__dict__[field] = value


def mask_child(child: Any) -> Any:
    """Replace what identifies ``child`` in this loaded copy (never in the database)."""
    code = pseudonym(child.pk)
    _set(child, "first_name", "Child")
    _set(child, "last_name", code)
    _set(child, "upn", "")
    _set(child, "home_postcode", outward_code(child.__dict__.get("home_postcode", "")))
    born = child.__dict__.get("date_of_birth")
    if born is not None:
        _set(child, "date_of_birth", born.replace(day=1))
    setattr(child, MASKED, True)
    return child


def mask_family_member(member: Any) -> Any:
    _set(member, "name", "Family member")
    _set(member, "date_of_birth", None)
    _set(member, "postcode", outward_code(member.__dict__.get("postcode", "")))
    setattr(member, MASKED, True)
    return member


def is_masked(instance: Any) -> bool:
    return bool(getattr(instance, MASKED, False))


def refuse_saving_masked(instance: Any) -> None:
    """A pseudonymised copy must never be written back over the real record."""
    if is_masked(instance):
        raise PermissionError("A pseudonymised record cannot be saved.")
