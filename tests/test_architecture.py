"""The pure core imports no web framework, database, HTTP client or settings."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
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


# Pillow comes with the ``sim`` extra only: the service decodes and draws no image.
IMAGE_LIBRARIES = ("PIL", "cv2", "imageio", "skimage")
SIM_PACKAGES = ("sim", "demo")


def _core_files() -> list[Path]:
    return [
        p
        for p in SRC.rglob("*.py")
        if p.relative_to(SRC).parts[0] not in SIM_PACKAGES and "migrations" not in p.parts
    ]


@pytest.mark.parametrize("path", _core_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_core_module_imports_no_image_library(path: Path) -> None:
    bad = {
        name
        for name in _imports(path)
        if any(name == lib or name.startswith(lib + ".") for lib in IMAGE_LIBRARIES)
    }
    assert not bad, f"{path.relative_to(SRC)} imports {sorted(bad)}: only camroute.sim may"


def test_the_service_imports_without_pillow() -> None:
    """Every core module, and the CLI, import with Pillow unavailable (no transitive import)."""
    modules = sorted(
        "camroute." + ".".join(p.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
        for p in _core_files()
    )
    script = (
        "import importlib, sys\n"
        "sys.modules['PIL'] = None  # import PIL now raises ImportError\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "import camroute.cli\n"
        "print('imported', len(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("imported")


def test_pillow_is_an_extra_not_a_dependency() -> None:
    meta = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    project = meta["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("pillow")]
    assert any(d.lower().startswith("pillow") for d in project["optional-dependencies"]["sim"])
