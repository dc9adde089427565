"""Divert: safely diverting children from care."""
