"""What the step processes of a Dagster run are forked from: our definitions, built once.

The jobs run each step in a process of its own, so that a step that crashes or is killed
fails alone. Spawned afresh (Dagster's default), every step spent 10-25 s importing dbt, dlt,
Great Expectations and Dagster and building the definitions before 1-30 s of work: most of a
refresh's time went to that. With the multiprocess executor's `forkserver` start method and
this module preloaded, a run imports and builds them once, and each step forks a process that
already has them (STEP_PROCESSES in orchestration/definitions.py).

Building the definitions opens no connection and starts no thread, so forking is safe.
"""

from __future__ import annotations

from orchestration.definitions import defs

defs()
