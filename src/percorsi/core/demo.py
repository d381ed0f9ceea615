"""Demonstration data from later apps: each registers a step that `percorsi demo` runs per site.

A step receives the site and returns how many records it created; it must create nothing when
the site already has its data, so that running the command again changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from percorsi.core.models import Site

DEMO_STEPS: list[tuple[str, Callable[[Site], int]]] = []


def register(name: str, step: Callable[[Site], int]) -> None:
    DEMO_STEPS.append((name, step))
