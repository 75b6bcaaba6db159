"""The layout's rules about who may import whom (DESIGN.md), checked on every source file.

`sandbox` and the platform never share code: a client bug must not be hidden by a matching
server bug. The CLI, tests and benchmarks may start the sandbox; nothing else may touch it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = ("core", "channels", "dlt_sources", "reverse_etl", "orchestration")


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a file imports, including through importlib with a literal name."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and _dynamic_import_name(node):
            found.add(_dynamic_import_name(node).split(".")[0])
    return found


def _dynamic_import_name(call: ast.Call) -> str:
    """`importlib.import_module("x")` or `__import__("x")` with a literal: its module name."""
    name = getattr(call.func, "attr", getattr(call.func, "id", ""))
    literal = call.args[0] if call.args else None
    if name in ("import_module", "__import__") and isinstance(literal, ast.Constant):
        return str(literal.value)
    return ""


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", python_files("sandbox"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_sandbox_imports_nothing_of_the_platform(path: Path) -> None:
    assert not imported_packages(path) & set(PLATFORM)


@pytest.mark.parametrize("path", python_files("core"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_no_layer(path: Path) -> None:
    """Every layer may import the core, so the core imports none of them (no cycles, no
    layer reaching another's internals through it)."""
    assert not imported_packages(path) & {*PLATFORM, "sandbox"} - {"core"}


PLATFORM_FILES = [
    path
    for folder in ("core", "channels", "dlt_sources", "reverse_etl", "orchestration/defs")
    for path in python_files(folder)
] + [ROOT / "orchestration" / "definitions.py"]


@pytest.mark.parametrize("path", PLATFORM_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_platform_never_imports_the_sandbox(path: Path) -> None:
    assert "sandbox" not in imported_packages(path)


def test_the_checker_sees_every_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import sandbox.world\nfrom channels import x\n"
        "import importlib\nimportlib.import_module('reverse_etl.y')\n"
    )
    assert {"sandbox", "channels", "reverse_etl"} <= imported_packages(sample)
