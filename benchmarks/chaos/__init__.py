"""The chaos benchmark: kill -9 the pipeline anywhere, break the channels, and count what broke.

Tributary promises that a killed ingest, build, push or Dagster run is finished or closed by
the next run, that a sick channel fails alone and loudly, and that BI readers never see half a
build. This package turns those promises into figures on one sandbox world:

- **kills**: a trial runs one stage (ingest, transform, push or the Dagster refresh) as an
  operator would and kill -9s its process group at a random moment or right after DuckDB's WAL
  appears, runs the pipeline again normally, then compares raw tables with the sandbox's
  truth, the marts with a clean full-refresh build of the same raw data, the channels with
  the targets, and counts duplicated rows, conflicting writes and runs left open;
- **faults**: every injected fault kind on every channel, one at a time, with short deadlines;
  what failed, whether the other channels still loaded and pushed, and whether a normal run
  afterwards got back to the truth;
- throughout, a BI reader polls the serving copy and a misbehaving dashboard the working file.

Prints figures; never passes or fails (see benchmarks/README.md).

    uv run python -m benchmarks.chaos --kills 4 --no-faults   # a smoke run, a few minutes
"""
