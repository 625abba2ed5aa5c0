"""What a scenario is made of: steps, the scenario record, fired events, and parameter parsing.

Imports: stdlib only. Used by ``faults.scenarios.runner`` (which plays them), ``scenarios`` (the
catalogue) and ``__main__`` (checking ``--scenario`` values).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class ScenarioEvent:
    """A step that fired.

    Attributes:
        scenario: Scenario name.
        label: Step label.
        time: Scenario clock when it fired (seconds).
        drawn: Ticks drawn by the feed until then (its position on the price path).
        detail: What it did.
    """

    scenario: str
    label: str
    time: float
    drawn: int
    detail: dict[str, Any]


class Parametrised(Protocol):
    """A scenario as parameter merging sees it (``runner.ScenarioSpec`` fits)."""

    @property
    def name(self) -> str:
        """Kebab-case name."""
        ...

    @property
    def defaults(self) -> Mapping[str, float | int | str]:
        """Parameters and their defaults."""
        ...


def merge_params(spec: Parametrised, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Combine a scenario's defaults with overrides, converting each to its default's type.

    Args:
        spec: The scenario.
        overrides: Values as given (text from the command line, or typed).

    Returns:
        The parameters.

    Raises:
        ValueError: Unknown parameter or a value that does not convert.
    """
    params: dict[str, Any] = dict(spec.defaults)
    for key, value in overrides.items():
        if key not in params:
            known = ", ".join(params) or "none"
            raise ValueError(f"scenario {spec.name} has no parameter '{key}' (known: {known})")
        kind = type(params[key])
        try:
            params[key] = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"{spec.name}: {key} must be {kind.__name__}, got {value!r}") from None
    return params


def parse_scenario(text: str) -> tuple[str, dict[str, str]]:
    """Split ``NAME[:key=value,…]``.

    Args:
        text: Scenario text.

    Returns:
        The name and the raw overrides.

    Raises:
        ValueError: A malformed ``key=value`` pair.
    """
    name, _, rest = text.strip().partition(":")
    overrides: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"'{pair}' is not key=value")
        overrides[key.strip()] = value.strip()
    return name.strip(), overrides
