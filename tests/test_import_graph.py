"""The layers' import rules, read from the source (every import, also those inside functions).

Writers tell `app.services.live` what changed; the publisher (`app.publisher`) reads results and pushes them.
Keeping live.py free of service imports, and the services free of the publisher, is what keeps the live path
without an import cycle (live -> results -> workshops -> participation -> live, as it once was).
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts if path.is_relative_to(ROOT) else (path.stem,)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every `app...` module a file imports, wherever the import statement stands."""
    modules = {_module(p) for p in APP.rglob("*.py")}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "app" or node.module.startswith("app."):
                for alias in node.names:  # `from app import events` is app.events; `from app.x import f` is app.x
                    submodule = f"{node.module}.{alias.name}"
                    found.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("app"))
    return {name for name in found if name in modules}


def test_the_writers_side_of_live_imports_no_service() -> None:
    assert imports_of(APP / "services" / "live.py") <= {"app.extensions", "app.models", "app.events"}


def test_no_service_imports_the_publisher() -> None:
    offenders = {_module(p): sorted(imports_of(p)) for p in (APP / "services").rglob("*.py")
                 if "app.publisher" in imports_of(p)}
    assert offenders == {}


def test_the_engine_imports_no_flask_and_nothing_above_it() -> None:
    for path in (APP / "engine").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import flask" not in source and "from flask" not in source, path
        assert {m for m in imports_of(path) if not m.startswith("app.engine")} == set(), path


def test_the_graph_reader_sees_imports_inside_functions(tmp_path: Path) -> None:
    """The rules above would pass vacuously if the reader missed imports inside functions."""
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from app.services import results\n    import app.models\n")
    assert imports_of(module) == {"app.services.results", "app.models"}


def test_the_application_has_no_import_cycle() -> None:
    """Every module of `app/` can be read after the modules it imports (functions' imports included): the
    blueprint packages hold only their `bp`, the factory imports their views, and no service leans on one
    that leans back on it."""
    graph = {_module(p): imports_of(p) - {_module(p)} for p in APP.rglob("*.py")}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
    assert set(order) >= set(graph) and "app.services.participation" in order


def test_the_cycle_check_sees_a_cycle() -> None:
    """The check above would pass vacuously if the sorter ignored an edge back."""
    with pytest.raises(CycleError):
        list(TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())
