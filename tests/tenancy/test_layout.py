"""Tenancy is the ground floor: nothing in it imports the apps built on top of it."""

import ast
from pathlib import Path

import leora.tenancy

UPPER_FLOORS = ("leora.crm", "leora.team", "leora.metrics", "leora.jobs", "leora.web", "leora.notifications")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_tenancy_module_imports_an_app_built_on_it() -> None:
    root = Path(leora.tenancy.__file__).parent
    offending = {
        f"{path.relative_to(root)}: {name}"
        for path in root.rglob("*.py")
        for name in imported_modules(path)
        if name.startswith(UPPER_FLOORS)
    }
    assert offending == set()
