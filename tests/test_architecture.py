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
    "cameras/headings",
    "coverage",
    "ptz/aim.py",
    "ptz/calibration.py",
    "ptz/geometry.py",
    "ptz/zoom.py",
    "ptz/models.py",
    "ptz/ranges.py",
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


# Import structure: no file imports itself back through others, and incident tables have
# one owner. Function-level imports count: deferring an import hides a circle, it does not
# remove it.
INCIDENT_TABLES = "camroute.incidents.tables"


def _module_name(path: Path) -> str:
    parts = ("camroute", *path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts).removesuffix(".__init__")


def _modules() -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in SRC.rglob("*.py")
        if "migrations" not in p.relative_to(SRC).parts
    }


def _local_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ours that ``name`` imports; ``from pkg import mod`` is the module ``pkg.mod``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _local_imports(name, path, known) for name, path in modules.items()}


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph.get(start, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (each node's mutual reach)."""
    reach = {node: _reachable(graph, node) for node in graph}
    components = {
        tuple(sorted({node} | {m for m in reach[node] if node in reach.get(m, set())}))
        for node in graph
    }
    return sorted(list(c) for c in components if len(c) > 1)


def _describe(graph: dict[str, set[str]], component: list[str]) -> str:
    members = set(component)
    edges = [f"{a} -> {b}" for a in component for b in sorted(graph[a] & members)]
    return "; ".join(edges)


def test_no_file_level_import_circle() -> None:
    graph = _graph()
    circles = [_describe(graph, c) for c in _cycles(graph)]
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_cycle_finder_sees_a_circle_and_a_deferred_import(tmp_path: Path) -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from camroute.app import registry_changed\n", "utf-8")
    assert _local_imports("camroute.x.m", module, {"camroute.app"}) == {"camroute.app"}


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_only_incidents_imports_incident_tables() -> None:
    outside = sorted(
        name
        for name, imported in _graph().items()
        if INCIDENT_TABLES in imported and _package(name) != "camroute.incidents"
    )
    assert not outside, f"{outside} import {INCIDENT_TABLES}: ask camroute.incidents.service"


# Two domain packages never import each other (the composition root, app and cli, wires
# everything and is left out). Longer package circles through api/settings remain (#16).
COMPOSITION_ROOTS = {
    "camroute",
    "camroute.app",
    "camroute.cli",
    "camroute.cli_options",
    "camroute.wiring",
}
# Known pair, not yet untangled: auth records its events on the audit chain, and the audit
# router asks auth who may read it.
KNOWN_MUTUAL = {("camroute.audit", "camroute.auth")}


def _package_graph() -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for name, imported in _graph().items():
        if name in COMPOSITION_ROOTS:
            continue
        edges = packages.setdefault(_package(name), set())
        edges.update(_package(m) for m in imported if m not in COMPOSITION_ROOTS)
    return packages


def test_no_two_packages_import_each_other() -> None:
    graph = _package_graph()
    mutual = {(a, b) for a in graph for b in graph[a] if a < b and a in graph.get(b, set())}
    assert mutual <= KNOWN_MUTUAL, f"packages importing each other: {sorted(mutual - KNOWN_MUTUAL)}"
