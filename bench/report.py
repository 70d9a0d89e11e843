"""The report: each figure as min / median / max of its rounds, beside its ceiling and goal."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Samples:
    """One measurement taken over several rounds."""

    values: list[float]
    unit: str

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def text(self) -> str:
        low, mid, high = min(self.values), self.median, max(self.values)
        return f"{_number(low)} / {_number(mid)} / {_number(high)} {self.unit}"


def _number(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def ratio_of_medians(value: Samples, ceiling: Samples) -> float:
    return value.median / ceiling.median if ceiling.median else 0.0


@dataclass(frozen=True)
class Goal:
    """What the issue asks of a figure: ``text`` for the reader, ``met`` to check it."""

    text: str
    met: Callable[[Figure], bool]
    compared: Callable[[Figure], str]


def ratio_at_least(minimum: float) -> Goal:
    return Goal(
        f"ratio ≥ {minimum:g}",
        lambda figure: ratio_of_medians(figure.value, figure.ceiling) >= minimum,
        lambda figure: f"{ratio_of_medians(figure.value, figure.ceiling):.2f}",
    )


def extra_at_most(maximum: float, unit: str) -> Goal:
    """The value's median exceeds the ceiling's by at most ``maximum`` (a per-request cost)."""

    def extra(figure: Figure) -> float:
        return figure.value.median - figure.ceiling.median

    return Goal(
        f"< {maximum:g} {unit} extra",
        lambda figure: extra(figure) < maximum,
        lambda figure: f"+{_number(extra(figure))} {unit}",
    )


def constant_and_at_most(maximum: float) -> Goal:
    """The same for every sample of value and ceiling, and no more than ``maximum``."""
    return Goal(
        f"constant, ≤ {maximum:g}",
        lambda figure: (
            set(figure.value.values) == set(figure.ceiling.values)
            and len(set(figure.value.values)) == 1
            and figure.value.median <= maximum
        ),
        lambda figure: f"{_number(figure.value.median)} vs {_number(figure.ceiling.median)}",
    )


def value_at_most(maximum: float, unit: str) -> Goal:
    return Goal(
        f"≤ {maximum:g} {unit}",
        lambda figure: max(figure.value.values) <= maximum,
        lambda figure: "",
    )


@dataclass
class Figure:
    name: str
    value: Samples
    goal: Goal
    ceiling: Samples | None = None
    ceiling_name: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.goal.met(self)


HEADERS = ("figure", "value min / median / max", "ceiling min / median / max", "ratio", "goal", "")


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table, ready for the README."""
    rows = [HEADERS, tuple("---" for _ in HEADERS)]
    for figure in figures:
        ceiling = f"{figure.ceiling.text()} ({figure.ceiling_name})" if figure.ceiling else "—"
        rows.append(
            (
                figure.name,
                figure.value.text(),
                ceiling,
                figure.goal.compared(figure) or "—",
                figure.goal.text,
                "✓" if figure.met else "✗",
            )
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def machine(postgres_version: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """What the figures were measured on."""
    return {
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "Python": platform.python_version(),
        "PostgreSQL": postgres_version,
        **(extra or {}),
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
