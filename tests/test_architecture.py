"""The pure core imports no web framework, database, HTTP client or settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "camroute"
FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "geoalchemy2",
    "httpx",
    "httpx2",
    "camroute.settings",
    "psycopg",
    "uvicorn",
)
PURE_PACKAGES = [
    "geo",
    "location",
    "routing",
    "cameras/fov.py",
    "cameras/model.py",
    "cameras/networks.py",
]
# Location is pure except its thin edges: the HTTP router and the CLI.
EDGE_FILES = {"router.py", "cli.py", "service.py", "store.py", "tables.py"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _pure_files() -> list[Path]:
    files: list[Path] = []
    for entry in PURE_PACKAGES:
        target = SRC / entry
        if target.is_file():
            files.append(target)
        elif target.is_dir():
            files.extend(p for p in target.rglob("*.py") if p.name not in EDGE_FILES)
    return files


def test_pure_core_exists() -> None:
    names = {p.parent.name for p in _pure_files()}
    assert {"geo", "location"} <= names


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_pure_module_imports_no_edge_library(path: Path) -> None:
    bad = {
        name
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}"


def test_walker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from fastapi import FastAPI\nimport sqlalchemy.orm\n", encoding="utf-8")
    assert {"fastapi", "sqlalchemy.orm"} <= _imports(module)
