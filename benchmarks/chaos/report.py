"""The printed figures: kills per stage and kill point, what recovered, what leaked, the
readers, the fault cases. Everything is a count or a share of trials; nothing passes or fails."""

from __future__ import annotations

import math
from collections.abc import Sequence

from benchmarks.chaos.baseline import Baseline
from benchmarks.chaos.faults import FaultResult
from benchmarks.chaos.killpoints import KINDS, STAGES
from benchmarks.chaos.processes import Finished
from benchmarks.chaos.readers import ReaderFigures
from benchmarks.chaos.trials import TrialResult


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank; nan when there is nothing to rank."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "-"


def kills_table(trials: Sequence[TrialResult]) -> str:
    lines = [
        "| stage | kill point | kills | finished first (not counted) | recovered | raw = truth "
        "| no duplicates | marts = clean build | marts = earlier build of the world "
        "| listings at target | harness errors |",
        "|---|---|---:|---:|---|---|---|---|---|---|---:|",
    ]
    for stage in STAGES:
        for kind in KINDS:
            mine = [t for t in trials if t.point.stage == stage and t.point.kind == kind]
            if mine:
                lines.append(_kills_row(stage, kind, mine))
    lines.append(_kills_row("all", "all", list(trials)))
    return "\n".join(lines)


def _kills_row(stage: str, kind: str, trials: list[TrialResult]) -> str:
    killed = [t for t in trials if t.killed]
    checked = [t.checks for t in killed if t.checks is not None]
    compared = [c for c in checked if c.marts_vs_reference is not None]
    return (
        f"| {stage} | {kind} | {len(killed)} | {sum(not t.killed for t in trials)} "
        f"| {share(sum(t.recovered for t in killed), len(killed))} "
        f"| {share(sum(c.raw.equals_truth for c in checked), len(checked))} "
        f"| {share(sum(c.raw.no_duplicates for c in checked), len(checked))} "
        f"| {share(sum(not c.marts_vs_clean for c in checked), len(checked))} "
        f"| {share(sum(not c.marts_vs_reference for c in compared), len(compared))} "
        f"| {share(sum(c.targets.all_at_target for c in checked), len(checked))} "
        f"| {sum(t.error is not None for t in trials)} |"
    )


def totals(trials: Sequence[TrialResult]) -> str:
    killed = [t for t in trials if t.killed]
    checked = [t.checks for t in killed if t.checks is not None]
    recovered = sum(t.recovered for t in killed)
    lines = [
        f"kills: {len(killed)} (of {len(trials)} draws; {sum(t.world_moved for t in killed)} "
        "after the world moved)",
        f"recovered to identical marts and the truth: {share(recovered, len(killed))}",
        f"lost rows: {sum(c.raw.lost_rows for c in checked)}; rows not in the truth: "
        f"{sum(c.raw.extra_rows for c in checked)}; duplicated rows: "
        f"{sum(c.raw.duplicated_rows for c in checked)}",
        f"conflicting writes: {sum(len(c.conflicts) for c in checked)} listings in "
        f"{sum(bool(c.conflicts) for c in checked)} trials",
        f"runs left open after the re-run: push {sum(c.open_push_runs for c in checked)}, "
        f"Dagster {sum(c.open_dagster_runs for c in checked)}",
        "killed runs closed as interrupted: push "
        f"{sum(c.push_closed for c in checked)}/{sum(c.push_left_open for c in checked)}, "
        f"Dagster {sum(c.dagster_closed for c in checked)}/"
        f"{sum(c.dagster_left_open for c in checked)}",
        f"processes alive after kill -9 of the group: {sum(t.survivors for t in trials)}",
        "Dagster pool slots left held by runs that were over: "
        + str(max((len(c.dagster_leaked_slots) for c in checked), default=0)),
    ]
    failures = [line for t in killed for line in t.rerun_failures + t.setup_failures]
    lines.append(f"failed re-runs or setup runs: {len(failures)}")
    lines += [f"  {line[:200]}" for line in failures[:10]]
    errors = [f"trial {t.number}: {t.error}" for t in trials if t.error]
    lines.append(f"harness errors: {len(errors)}")
    lines += [f"  {line[:200]}" for line in errors[:10]]
    unrecovered = [t for t in killed if not t.recovered and t.checks is not None]
    if unrecovered:
        lines.append("not recovered:")
        lines += [
            f"  trial {t.number} ({t.point.describe()}): {'; '.join(t.checks.failures())[:300]}"
            for t in unrecovered[:15]
            if t.checks is not None
        ]
    return "\n".join(lines)


def rerun_times(trials: Sequence[TrialResult]) -> str:
    lines = ["| re-run stage | runs | median s | p95 s |", "|---|---:|---:|---:|"]
    for stage in STAGES:
        seconds = [t.rerun_s[stage] for t in trials if stage in t.rerun_s]
        if seconds:
            lines.append(
                f"| {stage} | {len(seconds)} | {percentile(seconds, 0.5):.1f} "
                f"| {percentile(seconds, 0.95):.1f} |"
            )
    return "\n".join(lines)


def readers(figures: dict[str, ReaderFigures], lock_failures: Sequence[Finished]) -> str:
    lines = []
    serving = figures.get("serving")
    if serving is not None:
        lines.append(
            f"serving-copy reader: {serving.reads:,} reads, {serving.errors} errors, "
            f"{serving.torn} torn reads ({serving.absent:,} polls before the first publication)"
            + (f"; crashed: {serving.crashed}" if serving.crashed else "")
        )
        lines += [f"  {message}" for message in serving.messages]
    working = figures.get("working")
    if working is not None:
        lines.append(
            f"working-file dashboard (informational): {working.reads:,} reads, "
            f"{working.refused:,} refused by DuckDB's lock while the pipeline wrote, "
            f"{working.errors} other errors"
            + (f"; crashed: {working.crashed}" if working.crashed else "")
        )
        lines += [f"  {message}" for message in working.messages]
    lines.append(f"pipeline runs failed over a lock (a reader's doing): {len(lock_failures)}")
    lines += [f"  {run.stage}: {run.first_failure()} ({run.log.name})" for run in lock_failures]
    return "\n".join(lines)


def faults_table(results: Sequence[FaultResult]) -> str:
    lines = [
        "| case | ingest | transform | push | healthy channels loaded | healthy listings at "
        "target | sick channel's previous rows | recovered | s |",
        "|---|---|---|---|---|---|---|---|---:|",
    ]
    for result in results:
        if result.error:
            lines.append(f"| {result.case.label} | ERROR {result.error[:150]} |||||||")
            continue
        pushed = result.healthy_pushed
        if result.push_blocked:
            healthy_pushed = "guard blocked the push"
        elif pushed is None:
            healthy_pushed = "-"
        else:
            healthy_pushed = "yes" if pushed.all_at_target else f"{len(pushed.off_target)} off"
        recovered = (
            "yes"
            if result.recovered
            else "NO: "
            + "; ".join(
                result.recovery_failures
                + (result.recovery_raw.mismatches[:1] if result.recovery_raw else [])
                + (
                    [f"{len(result.recovery_targets.off_target)} listings off target"]
                    if result.recovery_targets and not result.recovery_targets.all_at_target
                    else []
                )
            )
        )
        lines.append(
            f"| {result.case.label} | {outcome_text(result.ingest)} "
            f"| {outcome_text(result.transform)} | {outcome_text(result.push)} "
            f"| {_yes(result.healthy_loaded)} | {healthy_pushed} "
            f"| {result.sick_rows} | {recovered[:200]} | {result.seconds:.0f} |"
        )
    return "\n".join(lines)


def faults_summary(results: Sequence[FaultResult]) -> str:
    loud = [r for r in results if r.named_sick_channel]
    load_failed = [r for r in results if r.sick_rows_kept is not None]
    blocked = sum(r.push_blocked for r in results)
    healthy_pushed = sum(bool(r.healthy_pushed and r.healthy_pushed.all_at_target) for r in results)
    return "\n".join(
        [
            f"fault cases: {len(results)}; a command failed naming the sick channel in "
            f"{len(loud)}, everything went through in "
            f"{sum(r.all_ok for r in results)}",
            "healthy channels still loaded: "
            f"{share(sum(bool(r.healthy_loaded) for r in results), len(results))}; "
            f"their listings at target: {share(healthy_pushed, len(results) - blocked)} "
            f"(pushes the guard blocked whole, not counted: {blocked})",
            "sick channel's previous rows kept when its load failed: "
            f"{share(sum(bool(r.sick_rows_kept) for r in load_failed), len(load_failed))}",
            "recovered to the truth after the fault cleared: "
            f"{share(sum(r.recovered for r in results), len(results))}",
            f"runs failed over a lock during the cases: {sum(r.lock_failures for r in results)}",
        ]
    )


def outcome_text(outcome: object) -> str:
    describe = getattr(outcome, "describe", None)
    return "-" if describe is None else str(describe()).replace("|", "/")


def _yes(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")


def baseline(result: Baseline) -> str:
    return result.line()
