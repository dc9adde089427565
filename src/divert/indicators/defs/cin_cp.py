"""Children in need and child protection: counts, rates, long-running plans, repeat plans, review conferences."""

from __future__ import annotations
