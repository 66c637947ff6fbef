"""Figures as people read them on every page: amounts, rates and scores with a dash for a missing
value (None or NaN, as pandas gives it). One implementation for the cards, the explorer, the
portfolio index and the project report, so the same figure reads the same everywhere."""

from __future__ import annotations

__all__ = ["money", "rate", "score"]


def money(x: float | None) -> str:
    """An amount with thousands separators and two decimals: 28,027.00."""
    return "—" if x is None or x != x else f"{x:,.2f}"


def rate(x: float | None, d: int = 2) -> str:
    """A ratio as a percentage with `d` decimals: 0.9312 → 93.12%."""
    return "—" if x is None or x != x else f"{x * 100:.{d}f}%"


def score(x: float | None) -> str:
    """A score with two decimals: 87.5 → 87.50."""
    return "—" if x is None or x != x else f"{x:.2f}"
