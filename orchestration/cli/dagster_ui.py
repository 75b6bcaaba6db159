"""What `tributary ui` needs around `dagster dev`: one UI per Dagster instance, a free UI port,
a workspace whose code location names the sandbox it is bound to, and a child that stops with
its parent.

- **One UI per DAGSTER_HOME.** Two `dagster dev` on one instance run two daemons: both tick
  the schedules and sensors and launch the same runs. `tributary ui` holds
  `$DAGSTER_HOME/tributary-ui.lock` (and hands it to `dagster dev`, so it stays held until
  both are gone); a second one is refused with the holder's pid and how to run on another
  instance.
- **A free port.** The UI port and the UI's sandbox name (`ui-<port>`) go together: a port
  that is taken, or whose sandbox name is running, moves the UI to the next one.
- **The binding, in the UI.** The generated workspace is `workspace.yaml` with each code
  location renamed `<name> (sandbox ui-<port>)`, so every page of the UI names the sandbox;
  the channels resource shows the manifest it reads (Resources > channels > config_file).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
import yaml

from core.locks import HeldLock, LockHeldError, acquire
from orchestration.cli.instances import InstanceRunningError, SandboxInstance, claim

REPOSITORY = Path(__file__).resolve().parents[2]
WORKSPACE = REPOSITORY / "workspace.yaml"
INSTANCE_YAML = REPOSITORY / "orchestration" / "dagster.yaml"
HOME_LOCK = "tributary-ui.lock"
HOME_WORKSPACE = "tributary-ui.workspace.yaml"
UI_HOST = "127.0.0.1"
PORT_ATTEMPTS = 100
STOP_TIMEOUT_S = 60.0

# Run in the child before it becomes `dagster dev`. Ctrl-C and SIGTERM get their default
# meaning back (a shell starts background commands with SIGINT ignored, and Dagster maps
# SIGTERM onto whatever SIGINT does, so it would ignore both), and on Linux the kernel is
# asked for SIGTERM when the parent (`tributary ui`) dies, however it dies, so the UI never
# outlives its sandbox: Dagster takes it as Ctrl-C and stops its webserver, daemon and code
# servers.
CHILD_GUARD = (
    "import os, signal, sys\n"
    "signal.signal(signal.SIGINT, signal.SIG_DFL)\n"
    "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
    "if sys.platform == 'linux':\n"
    "    import ctypes\n"
    "    ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG\n"
    "    if os.getppid() != int(sys.argv[1]):\n"
    "        sys.exit('tributary ui exited before Dagster started')\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def prepare_home(directory: Path) -> Path:
    """The instance directory, absolute (Dagster requires it), with Tributary's dagster.yaml
    if it has none yet (as `make dagster-home` does)."""
    home = directory.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(INSTANCE_YAML, home / "dagster.yaml")
    return home


class HomeInUseError(click.ClickException):
    def __init__(self, home: Path, holder: dict[str, Any]) -> None:
        who = [f"pid {holder.get('pid', '?')}"]
        if holder.get("ui_url"):
            who.append(f"UI {holder['ui_url']}")
        if holder.get("sandbox"):
            who.append(f"sandbox {holder['sandbox']}")
        if holder.get("dagster_pid"):
            who.append(f"its dagster dev pid {holder['dagster_pid']}")
        super().__init__(
            f"DAGSTER_HOME {home} is in use by another `tributary ui` ({', '.join(who)}): one "
            "Dagster instance takes one daemon, or both would run its schedules and sensors. "
            "Stop that UI first, or run this one on its own instance: "
            "tributary ui --dagster-home <another directory> (or set DAGSTER_HOME, e.g. "
            "`make ui DAGSTER_HOME=$PWD/.tributary/dagster-2`)."
        )


def claim_home(home: Path) -> HeldLock:
    try:
        return acquire(home / HOME_LOCK, dagster_home=str(home))
    except LockHeldError as held:
        raise HomeInUseError(home, held.holder) from None


def port_is_free(port: int, host: str = UI_HOST) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def claim_ui_port(first: int) -> tuple[int, SandboxInstance, list[int]]:
    """The first port from `first` that is free and whose sandbox `ui-<port>` is not running,
    with that sandbox instance claimed; also the ports passed over."""
    passed: list[int] = []
    for port in range(first, min(first + PORT_ATTEMPTS, 65536)):
        if port_is_free(port):
            try:
                return port, claim(f"ui-{port}"), passed
            except InstanceRunningError:
                pass  # another UI on this port is still starting
        passed.append(port)
    raise click.ClickException(
        f"no free port for the UI in {first}-{first + PORT_ATTEMPTS - 1}: pass --port"
    )


def write_workspace(home: Path, sandbox_name: str) -> tuple[Path, list[str]]:
    """`workspace.yaml`, each code location renamed after the sandbox (absolute working
    directories, as the file lives in DAGSTER_HOME); returns its path and location names."""
    workspace = yaml.safe_load(WORKSPACE.read_text())
    names = []
    for entry in workspace["load_from"]:
        for target in entry.values():
            if not isinstance(target, dict):
                continue
            directory = Path(target.get("working_directory", "."))
            target["working_directory"] = str((REPOSITORY / directory).resolve())
            base = target.get("location_name") or target.get("module_name", "tributary")
            target["location_name"] = f"{base} (sandbox {sandbox_name})"
            names.append(target["location_name"])
    path = home / HOME_WORKSPACE
    path.write_text(
        f"# Written by `tributary ui` from {WORKSPACE}: the same code, its location named after\n"
        f"# the sandbox the UI is bound to. Rewritten at every start.\n"
        + yaml.safe_dump(workspace, sort_keys=False)
    )
    return path, names


def child_environment(home: Path, channels_file: Path) -> dict[str, str]:
    """The UI's environment: its instance and ITS sandbox's manifest, and this virtualenv's
    executables first on PATH (dbt is looked up there)."""
    from dlt_sources.common.config import CHANNELS_FILE_ENV  # noqa: PLC0415

    environment = dict(os.environ)
    executables = str(Path(sys.executable).parent)
    path = environment.get("PATH", "")
    if executables not in path.split(os.pathsep):
        environment["PATH"] = os.pathsep.join(part for part in (executables, path) if part)
    environment["DAGSTER_HOME"] = str(home)
    environment[CHANNELS_FILE_ENV] = str(channels_file.resolve())
    return environment


def dagster_dev_command(workspace: Path, port: int) -> list[str]:
    dagster = str(Path(sys.executable).with_name("dagster"))
    command = [dagster, "dev", "-w", str(workspace), "-h", UI_HOST, "-p", str(port)]
    return [sys.executable, "-c", CHILD_GUARD, str(os.getpid()), *command]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_dagster(command: list[str], environment: Mapping[str, str], home_lock: HeldLock) -> int:
    """Run `dagster dev` until it exits or this process is interrupted (Ctrl-C or SIGTERM);
    return its exit code. It runs in its own process group, so one interrupt reaches it once,
    from here; a second interrupt, or a shutdown past a minute, kills the group."""
    child = subprocess.Popen(  # noqa: S603 - our own dagster executable and arguments
        command, env=dict(environment), pass_fds=(home_lock.fd,), process_group=0
    )
    home_lock.record(dagster_pid=child.pid)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            return child.wait()
        except KeyboardInterrupt:
            click.echo("stopping the Dagster UI ...", err=True)
            child.send_signal(signal.SIGINT)
            try:
                return child.wait(timeout=STOP_TIMEOUT_S)
            except (KeyboardInterrupt, subprocess.TimeoutExpired):
                click.echo("the Dagster UI did not stop: killing it", err=True)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                return child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
