"""Named sandbox instances: each has its own manifest, its own ports and a lock naming its pid.

`tributary sandbox serve --name N` writes `.tributary/sandboxes/N.json` (or `--manifest`) and
holds `<manifest>.lock` for as long as it runs, so:

- a second instance of the same name (or on the same manifest) is refused at once, with the
  running one's pid, ports and control URL;
- a stopped instance's manifest stays, is reused by the next start of that name, and is never
  overwritten by another name (the manifest records its instance's name);
- a taken port is named before the world is built, with the instance holding it if it is one
  of ours, instead of a bind traceback once the world is ready.

`tributary ui` and `tributary demo` start their sandboxes as instances too (`ui-<port>`,
`demo-<pid>`), so nothing ever shares a manifest.
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from core.locks import HeldLock, LockHeldError, acquire, is_held, read_holder

SANDBOXES_DIR = Path(".tributary") / "sandboxes"
DEFAULT_NAME = "default"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def manifest_for(name: str, directory: Path = SANDBOXES_DIR) -> Path:
    return directory / f"{name}.json"


def lock_for(manifest: Path) -> Path:
    """The lock file sits next to the manifest it guards."""
    return manifest.with_name(f"{manifest.name}.lock")


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise click.BadParameter(
            f"{name!r}: use letters, digits, '.', '_' or '-' (at most 64), starting with a "
            "letter or digit",
            param_hint="'--name'",
        )
    return name


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    """Write atomically, readable only by the owner: it holds credentials."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(manifest, indent=2))
    os.chmod(partial, 0o600)
    partial.replace(path)


def urls(details: dict[str, Any]) -> dict[str, str]:
    """Every URL in a channel's manifest entry, keyed by where it was found."""
    found: dict[str, str] = {}

    def walk(node: Any, label: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, key if label in ("", "stores", "regions") else f"{label}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, label)
        elif isinstance(node, str) and node.startswith("http"):
            found[label] = node

    walk(details, "")
    return found


def ports_of(manifest: dict[str, Any]) -> list[int]:
    """The ports a sandbox's hosts listen on, read from its manifest."""
    ports = {
        urlsplit(url).port
        for details in manifest.get("channels", {}).values()
        for url in urls(details).values()
    }
    return sorted(port for port in ports if port)


def describe_ports(ports: Sequence[int]) -> str:
    if not ports:
        return "no ports yet"
    if list(ports) == list(range(ports[0], ports[0] + len(ports))):
        return f"ports {ports[0]}-{ports[-1]}" if len(ports) > 1 else f"port {ports[0]}"
    return "ports " + ", ".join(str(port) for port in ports)


def describe_holder(holder: dict[str, Any]) -> str:
    """`pid 123, control http://..., ports 8700-8706` from what a holder wrote."""
    parts = [f"pid {holder.get('pid', '?')}"]
    if holder.get("control_url"):
        parts.append(f"control {holder['control_url']}")
        parts.append(describe_ports(holder.get("ports", [])))
    else:
        parts.append("still starting, no ports bound yet")
    return ", ".join(parts)


def recorded_name(manifest: Path) -> str | None:
    """The instance name a manifest was written for (None: unreadable, or written before
    instances had names)."""
    try:
        document = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return None
    sandbox = document.get("sandbox") if isinstance(document, dict) else None
    name = sandbox.get("name") if isinstance(sandbox, dict) else None
    return name if isinstance(name, str) else None


class InstanceRunningError(click.ClickException):
    """The instance (or its manifest) is taken by a running process."""

    def __init__(self, name: str, manifest: Path, holder: dict[str, Any]) -> None:
        self.holder = holder
        running = holder.get("name", name)
        super().__init__(
            f"sandbox {running!r} is already running ({describe_holder(holder)}; manifest "
            f"{holder.get('manifest', manifest)}). Stop it first (Ctrl-C in its terminal, or "
            f"`kill {holder.get('pid', '<pid>')}`), or start this one as another instance "
            "with its own manifest and ports: "
            "tributary sandbox serve --name <another name> --base-port 0"
        )


class ManifestOwnedError(click.ClickException):
    def __init__(self, name: str, manifest: Path, owner: str) -> None:
        super().__init__(
            f"{manifest} is the manifest of sandbox {owner!r} (stopped), not of {name!r}: it "
            f"is kept for that instance. Restart that one with --name {owner}, or leave out "
            f"--manifest so that {name!r} writes its own ({manifest_for(name)})."
        )


class PortTakenError(click.ClickException):
    def __init__(
        self, host: str, port: int, label: str, base_port: int, labels: Sequence[str], why: str
    ) -> None:
        last = base_port + len(labels) - 1
        super().__init__(
            f"port {port} on {host} (the {label} host) is {why}. This sandbox needs "
            f"{len(labels)} consecutive ports from --base-port {base_port} ({base_port}-{last}): "
            "start it with --base-port 0 to take any free ports (clients read them from the "
            "manifest), or choose another --base-port."
        )


@dataclass
class SandboxInstance:
    """A claimed instance name: its manifest path and the lock held while it runs."""

    name: str
    manifest: Path
    lock: HeldLock

    def publish(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest (with this instance's name in it) and tell the lock file where
        the instance listens, so a refused second start can point at it."""
        document = {**manifest, "sandbox": {**manifest["sandbox"], "name": self.name}}
        write_manifest(self.manifest, document)
        self.lock.record(control_url=document["sandbox"]["control_url"], ports=ports_of(document))
        return document

    def close(self, *, forget: bool = False) -> None:
        """Release the name. `forget` also deletes the manifest and lock file (for one-off
        names such as `demo-<pid>`, which no later start reuses)."""
        if forget and self.lock.fd >= 0:
            self.manifest.unlink(missing_ok=True)
        self.lock.release(remove=forget)


def claim(name: str, manifest: Path | None = None) -> SandboxInstance:
    """Take instance `name` (manifest `.tributary/sandboxes/<name>.json` unless given), or
    refuse at once: while another process runs it, or when the manifest is another's."""
    check_name(name)
    path = manifest or manifest_for(name)
    try:
        lock = acquire(lock_for(path), name=name, manifest=str(path.resolve()))
    except LockHeldError as held:
        raise InstanceRunningError(name, path, held.holder) from None
    owner = recorded_name(path)
    if owner is not None and owner != name:
        lock.release()
        raise ManifestOwnedError(name, path, owner)
    return SandboxInstance(name, path, lock)


@dataclass(frozen=True)
class KnownInstance:
    name: str
    manifest: Path
    running: bool
    holder: dict[str, Any]


def known_instances(directory: Path = SANDBOXES_DIR) -> list[KnownInstance]:
    """Every instance with a manifest or lock in `directory`, running or stopped."""
    if not directory.is_dir():
        return []
    manifests = {*directory.glob("*.json")}
    manifests |= {
        lock.with_name(lock.name.removesuffix(".lock")) for lock in directory.glob("*.json.lock")
    }
    found = []
    for manifest in sorted(manifests):
        lock = lock_for(manifest)
        running = is_held(lock)
        if not manifest.exists() and not running:
            continue  # a lock file left by a start that was refused or never got going
        holder = read_holder(lock) if running else {}
        name = holder.get("name") or recorded_name(manifest) or manifest.stem
        found.append(KnownInstance(name, manifest, running, holder))
    return found


def holder_of_port(port: int, directory: Path = SANDBOXES_DIR) -> KnownInstance | None:
    for known in known_instances(directory):
        if known.running and port in known.holder.get("ports", []):
            return known
    return None


def check_ports(host: str, base_port: int, labels: Sequence[str]) -> None:
    """Fail before the world is built when a port this sandbox needs is taken (base 0: the
    OS picks free ports, nothing to check)."""
    if base_port == 0:
        return
    for offset, label in enumerate(labels):
        port = base_port + offset
        try:
            family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                # As the server binds: a port in TIME_WAIT is free to take again.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((host, port))
        except OverflowError:
            raise PortTakenError(
                host, port, label, base_port, labels, "beyond the last port (65535)"
            ) from None
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                why = f"not available ({error.strerror or error})"
            elif (known := holder_of_port(port)) is not None:
                why = f"already in use by sandbox {known.name!r} ({describe_holder(known.holder)})"
            else:
                why = "already in use by another process"
            raise PortTakenError(host, port, label, base_port, labels, why) from None
