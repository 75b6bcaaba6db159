"""The two readers that run beside the whole benchmark, started and stopped as one.

They are separate processes (benchmarks/chaos/reader.py) because DuckDB's file lock is per
process: a reader inside the benchmark's own process would not contend with the pipeline the
way a BI tool does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


@dataclass
class ReaderFigures:
    mode: str
    reads: int = 0
    absent: int = 0
    refused: int = 0
    errors: int = 0
    torn: int = 0
    messages: list[str] = field(default_factory=list)
    crashed: str | None = None  # the reader process itself failed


class Readers:
    """A serving-copy reader and a working-file dashboard, polling until `stop()`."""

    def __init__(self, warehouse: Path, serving: Path, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._stop = directory / "stop"
        self._stop.unlink(missing_ok=True)
        self._started: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        self._logs: list[IO[str]] = []
        for mode, path in (("serving", serving), ("working", warehouse)):
            result = directory / f"{mode}.json"
            result.unlink(missing_ok=True)
            log = (directory / f"{mode}.log").open("w")
            self._logs.append(log)
            command = [sys.executable, "-m", "benchmarks.chaos.reader", mode, str(path)]
            process = subprocess.Popen(  # noqa: S603 - our own reader module
                [*command, str(self._stop), str(result)],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            self._started.append((mode, process, result))

    def current(self) -> dict[str, ReaderFigures]:
        """The counts as the readers last wrote them (every few seconds), still polling."""
        return {mode: _read(mode, result, None) for mode, _, result in self._started}

    def stop(self) -> dict[str, ReaderFigures]:
        self._stop.touch()
        figures = {}
        for mode, process, result in self._started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            figures[mode] = _read(mode, result, process.returncode)
        for log in self._logs:
            log.close()
        return figures


def _read(mode: str, result: Path, returncode: int | None) -> ReaderFigures:
    if not result.exists():
        return ReaderFigures(mode, crashed=f"no result (exit {returncode}); see {mode}.log")
    counts: dict[str, Any] = json.loads(result.read_text())
    return ReaderFigures(
        mode=mode,
        reads=counts["reads"],
        absent=counts["absent"],
        refused=counts["refused"],
        errors=counts["errors"],
        torn=counts["torn"],
        messages=counts["messages"],
    )
