"""The import directions docs/architecture.md states, read from the source with ``ast``.

Each module of festival/ belongs to one part: the base (area-independent), an area, or an entry point.
The base imports no area; an area imports the base and only the areas the page lists as its upstream;
only the timetable area imports the engine, and only its adapter reads the instance format.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FESTIVAL = ROOT / "festival"

BASE = {
    "audit", "backup", "config", "dbpool", "editions", "errors", "extensions", "formtools", "handlers",
    "history", "i18n", "jobs", "labels", "localtime", "logs", "mail", "models", "namekeys", "navigation",
    "paging", "params", "readonly", "search", "security", "spreadsheets",
}  # fmt: skip
# the models are the bottom of the base: besides the extensions, only these leaf modules
MODELS_IMPORT = {"extensions", "localtime", "namekeys"}
# area -> the areas it may import (its upstream); nothing else of another area
AREAS = {
    "auth": set(),
    "main": {"auth"},
    "submissions": set(),
    "review": {"submissions", "schedule"},
    "events": {"schedule", "submissions", "people"},
    "venues": {"schedule", "events"},
    "schedule": set(),
    "programme": {"schedule", "submissions", "events"},
    "api": {"programme", "events"},
    "admin": set(),
    "people": {"auth"},
    "edition_admin": {"schedule"},
    "audience": {"schedule", "programme", "review", "auth", "people"},
}
# the factory and the programs that start the app or load data may import anything of festival
ENTRY_POINTS = {"festival", "festival.cli", "festival.serve", "festival.worker"}
TOOLS = {"demo"}
# the scheduler names that read the instance format: only the adapter asks them
FORMAT_READERS = {
    "parse_instance", "read_instance", "check_venue", "check_theater", "check_film", "check_intervals",
    "check_weekly_hours", "check_special_hours", "check_closed_dates", "parse_date", "parse_clock",
    "check_transit_days",
}  # fmt: skip


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_nodes(tree: ast.AST):
    """Every node outside ``if TYPE_CHECKING:`` blocks (annotations only, never run)."""
    for node in ast.iter_child_nodes(tree):
        if (
            isinstance(node, ast.If)
            and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING"
        ):
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports() -> dict[str, set[str]]:
    """module -> the festival / scheduler modules it imports (``from festival import x`` counts as x)."""
    found: dict[str, set[str]] = {}
    for path in sorted(FESTIVAL.rglob("*.py")):
        names = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
                if node.module == "festival":
                    names.update(f"festival.{alias.name}" for alias in node.names)
        found[_module_name(path)] = {n for n in names if n.split(".")[0] in ("festival", "scheduler")}
    return found


def _part(module: str) -> str:
    return "scheduler" if module.startswith("scheduler") else (module.split(".")[1] if "." in module else "")


def test_every_module_of_the_app_belongs_to_a_part():
    unknown = {m for m in _imports() if m not in ENTRY_POINTS and _part(m) not in BASE | set(AREAS) | TOOLS}
    assert unknown == set(), "add them to docs/architecture.md and to this test"


def test_the_base_imports_no_area_and_the_models_only_leaf_modules():
    wrong = []
    for module, imported in _imports().items():
        part = _part(module)
        if module in ENTRY_POINTS or part not in BASE:
            continue
        for name in imported:
            other = _part(name)
            below = other in AREAS or other in TOOLS or other == "scheduler"
            if below or (part == "models" and other not in MODELS_IMPORT | {"models"}):
                wrong.append(f"{module} -> {name}")
    assert wrong == []


def test_what_the_models_import_imports_no_model_not_even_for_type_hints():
    """The models stand on their leaf modules without a circle (festival.localtime takes anything that
    names its timezone, not the Edition model)."""
    leaves = {f"festival.{name}" for name in MODELS_IMPORT} | {"festival.jobs"}
    wrong = []
    for path in sorted(FESTIVAL.rglob("*.py")):
        module = _module_name(path)
        if module not in leaves:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            wrong += [f"{module} -> {n}" for n in names if n.startswith("festival.models")]
    assert wrong == []


def test_areas_import_only_their_upstream_areas():
    wrong = []
    for module, imported in _imports().items():
        part = _part(module)
        if module in ENTRY_POINTS or part not in AREAS:
            continue
        for name in imported:
            other = _part(name)
            if (other in AREAS and other != part and other not in AREAS[part]) or other in TOOLS:
                wrong.append(f"{module} -> {name}")
    assert wrong == []


def test_only_the_timetable_area_imports_the_engine_and_only_its_adapter_reads_the_format():
    engine_users, format_readers = [], []
    for path in sorted(FESTIVAL.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "scheduler":
                names.update(alias.name for alias in node.names)
                engine_users.append(module)
            elif isinstance(node, ast.Import) and any(a.name == "scheduler" for a in node.names):
                engine_users.append(module)
            elif isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "scheduler":
                names.add(node.attr)
        if names & FORMAT_READERS and not module.startswith("festival.schedule.adapter"):
            format_readers.append(f"{module}: {sorted(names & FORMAT_READERS)}")
    assert sorted({m for m in engine_users if not m.startswith("festival.schedule")}) == []
    assert format_readers == []
