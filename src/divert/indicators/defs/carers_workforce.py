"""Foster households and the workforce: approvals, active and inactive carers, caseloads, qualified allocation."""

from __future__ import annotations
