"""The front door: contacts, referrals, re-referrals, decisions within a working day, assessments within 45."""

from __future__ import annotations
