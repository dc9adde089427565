"""Adoption and special guardianship: orders and the days from care to an adoptive family."""

from __future__ import annotations
