"""The strategies a brand could run, side by side: none, a common 15-minute tool, Tributary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from benchmarks.oversell.world import StrategyWorld


@dataclass
class Action:
    """One thing a strategy did: what, when (world time), how long (world = real seconds)."""

    kind: str
    at: float
    seconds: float
    ok: bool
    detail: str = ""


@dataclass
class ActionLog:
    actions: list[Action] = field(default_factory=list)

    def add(self, action: Action) -> None:
        self.actions.append(action)

    def summary(self) -> str:
        if not self.actions:
            return "no actions"
        kinds: dict[str, list[Action]] = {}
        for action in self.actions:
            kinds.setdefault(action.kind, []).append(action)
        parts = []
        for kind, done in sorted(kinds.items()):
            failed = sum(not a.ok for a in done)
            mean = sum(a.seconds for a in done) / len(done)
            parts.append(
                f"{len(done)} x {kind} (mean {mean:.1f} s{f', {failed} failed' if failed else ''})"
            )
        return "; ".join(parts)


class Strategy(Protocol):
    name: str
    log: ActionLog

    def prepare(self, world: StrategyWorld) -> None:
        """Set up before the scenario starts; must not change what the world shows."""

    def next_due(self) -> float:
        """World time of the next action (infinity when there is none)."""

    def act(self, world: StrategyWorld) -> None:
        """Do what is due now (in a worker thread, with the world clock running)."""

    def busy(self, world: StrategyWorld) -> bool:
        """Whether the strategy's own machinery is reacting outside `act` (a webhook in
        flight, an event not yet pushed): the world clock must not be skipped meanwhile."""

    def close(self) -> None:
        """Release what `prepare` acquired."""
