"""Where a trial kills: which stage, and at what moment of its run.

Two kinds of moment, because they find different bugs:

- `delay`: a random time after the command started, anywhere from its interpreter starting to
  its last statement; most such kills land while it talks to the channels or waits;
- `wal`: right after DuckDB's write-ahead log (`<warehouse>.wal`) appears for the k-th time in
  the run, i.e. inside a write that has not been checkpointed, plus sometimes a few hundred
  milliseconds more. Those are the kills that test "all or nothing".

The ranges come from what the benchmark saw of each stage when it ran normally (its wall time
and how many times the WAL appeared), so the draws cover the whole run of each stage.
Stages are drawn in shuffled rounds of four, so that any number of kills gives every stage
its share (a plain draw would leave a 4-kill smoke run without a Dagster kill half the time).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

STAGES = ("ingest", "transform", "push", "refresh")
KINDS = ("delay", "wal")
# Before a stage was seen running: rough wall times (s) and WAL appearances on a tiny world.
GUESSED_SECONDS = {"ingest": 15.0, "transform": 30.0, "push": 8.0, "refresh": 200.0}
GUESSED_WAL_EPISODES = {"ingest": 4, "transform": 1, "push": 3, "refresh": 8}
WAL_EXTRA_MAX_S = 0.5


@dataclass(frozen=True)
class KillPoint:
    stage: str
    kind: str  # "delay" or "wal"
    delay_s: float = 0.0  # after the start (delay), or after the WAL appeared (wal)
    wal_episode: int = 1  # which appearance of the WAL to kill at (wal)

    def describe(self) -> str:
        if self.kind == "delay":
            return f"{self.stage} at {self.delay_s:.1f} s"
        extra = f" +{self.delay_s:.2f} s" if self.delay_s else ""
        return f"{self.stage} at WAL #{self.wal_episode}{extra}"


@dataclass
class Observed:
    """What normal runs of each stage looked like: the latest wall time and WAL count."""

    seconds: dict[str, float] = field(default_factory=lambda: dict(GUESSED_SECONDS))
    wal_episodes: dict[str, int] = field(default_factory=lambda: dict(GUESSED_WAL_EPISODES))

    def saw(self, stage: str, seconds: float, wal_episodes: int) -> None:
        self.seconds[stage] = seconds
        if wal_episodes:
            self.wal_episodes[stage] = wal_episodes


class Drawer:
    """Draws kill points from the seed: stages in shuffled rounds, moments from `Observed`."""

    def __init__(self, seed: int, observed: Observed, stages: tuple[str, ...] = STAGES) -> None:
        self._random = random.Random(f"chaos:{seed}")
        self._observed = observed
        self._stages = stages
        self._round: list[str] = []

    def drop(self, stage: str) -> None:
        """Draw `stage` no more (it can no longer run at all; see the benchmark's notes)."""
        self._stages = tuple(s for s in self._stages if s != stage)
        self._round = [s for s in self._round if s != stage]

    @property
    def stages(self) -> tuple[str, ...]:
        return self._stages

    def next_stage(self) -> str:
        if not self._round:
            self._round = list(self._stages)
            self._random.shuffle(self._round)
        return self._round.pop()

    def point(self, stage: str) -> KillPoint:
        kind = self._random.choice(KINDS)
        if kind == "delay":
            return KillPoint(stage, kind, self._random.uniform(0.0, self._observed.seconds[stage]))
        episodes = max(1, self._observed.wal_episodes[stage])
        extra = 0.0 if self._random.random() < 0.5 else self._random.uniform(0, WAL_EXTRA_MAX_S)
        return KillPoint(stage, kind, extra, self._random.randint(1, episodes))

    def chance(self, share: float) -> bool:
        return self._random.random() < share
