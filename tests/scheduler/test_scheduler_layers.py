"""The scheduler's import rules: it never imports the web app; the web app uses its public API only; each
stage of the pipeline imports only the stages before it; importing the package loads no solver library."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scheduler"

# which part of scheduler/ may import which (docs/scheduler.md, "Modules"): the stages of the pipeline in
# order, each importing only the stages before it; the pipeline and the entry points put them together
LAYERS = {
    "data": set(),
    "budget": set(),
    "read": {"data"},
    "check": {"data", "read"},
    "first": {"data", "budget"},
    "bound": {"data", "budget", "first"},
    "improve": {"data", "budget", "read", "check", "first", "bound"},
    "explain": {"data", "budget", "read", "check", "first", "improve"},  # improve: why.py's local re-solve
    "pipeline": {"data", "budget", "read", "check", "first", "improve", "explain"},
    "parts": {"data", "budget", "check", "improve", "explain", "pipeline"},
    "shorts": set(),
    "__main__": {"data", "read", "check", "explain", "pipeline"},
    "__init__": {"data", "budget", "read", "check", "first", "explain", "pipeline", "parts", "shorts"},
}


def part_of(path: Path) -> str:
    """The part of scheduler/ a module belongs to: its subpackage or its module name."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_parts(path: Path) -> set[str]:
    """The parts of scheduler/ a module imports (relative or absolute, at any depth of the file)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]  # ("scheduler", "improve") for a module
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = []
        if isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = base + (node.module.split(".") if node.module else [])
            targets = [module] if node.module else [module + [alias.name] for alias in node.names]
        for target in targets:
            if target[0] == "scheduler" and len(target) > 1:
                found.add(target[1])
    return found


def test_each_stage_imports_only_the_stages_before_it():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert {part_of(p) for p in modules} == set(LAYERS)  # a new part gets its line in LAYERS
    wrong = []
    for path in modules:
        part = part_of(path)
        for other in imported_parts(path) - {part}:
            if other not in LAYERS[part]:
                wrong.append(f"{path.relative_to(ROOT)} ({part}) imports {other}")
    assert wrong == []


def test_the_layer_check_sees_relative_and_absolute_imports():
    found = imported_parts(PACKAGE / "improve" / "relaxation.py")
    assert {"first", "budget", "data", "improve"} <= found
    assert imported_parts(PACKAGE / "pipeline.py") >= {"first", "improve", "explain", "check"}


def test_scheduler_never_imports_flask_or_festival():
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py"
    )
    code = (
        f"import sys, scheduler, {', '.join(modules)}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'festival')))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_importing_the_package_loads_no_solver_library():
    """The web app imports scheduler in every process to read instances and check timetables; OR-Tools and
    numpy (2 s and 100 MB) load only in the process that solves."""
    code = (
        "import sys, scheduler, scheduler.__main__; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'ortools', 'numpy'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_web_app_imports_scheduler_names_from_the_package_only():
    """festival/ uses the public API (scheduler/__init__.py), so modules inside scheduler/ can move."""
    offending = []
    for path in sorted((ROOT / "festival").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offending += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("scheduler.")]
    assert offending == []
