"""Reporters: the run's result -> text for people or machines. Pure: they never print."""

from __future__ import annotations

FORMATS = ("text", "json")
