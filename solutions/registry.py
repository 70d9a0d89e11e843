"""The catalog: solutions an account can install. Each app registers its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Step:
    key: str  # stored in the installation's progress
    name: str  # shown while installing
    run: Callable  # run(installation) -> None; raises InstallFailed with a reason


@dataclass(frozen=True)
class Solution:
    slug: str
    name: str
    summary: str
    overview: str
    features: tuple[str, ...]
    platforms: tuple[str, ...]  # connector platform codes it works with
    home_url_name: str
    steps: tuple[Step, ...] = field(default=())
    beta_notice: str = ""
    illustration: str = ""  # a static path
    blocker: Callable | None = None  # () -> message when uninstalling would strand work


class InstallFailed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_CATALOG: dict[str, Solution] = {}


def register(solution: Solution) -> None:
    _CATALOG[solution.slug] = solution


def all_solutions() -> list[Solution]:
    return list(_CATALOG.values())


def get(slug: str) -> Solution | None:
    return _CATALOG.get(slug)
