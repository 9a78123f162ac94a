"""The permission matrix covers every operation the API offers.

Each ``tests/api/test_*matrix*.py`` module lists its operations as ``Op("METHOD", path, ...)``
rows (the schema's path written out, or a name bound to it in the module), which
``tests/api/matrix.check`` runs as each of the seven actors. This test reads those rows from the
modules' syntax trees, so a row counts only if it is written in a matrix module, and compares
them with the OpenAPI schema: a new operation without rows fails here, and so does a row for a
path that no longer exists.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import Client

HERE = Path(__file__).parent
METHODS = {"get", "post", "put", "patch", "delete"}


def _texts(node: ast.expr, names: dict[str, set[str]]) -> set[str]:
    """A string constant, or the strings a name is bound to in the module (``ROUND = "/api/..."``
    at the top, or ``detail_path = "/api/..."`` in the function that builds the rows)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Name):
        return names.get(node.id, set())
    return set()


def matrix_rows() -> set[tuple[str, str]]:
    rows: set[tuple[str, str]] = set()
    for module in HERE.glob("test_*matrix*.py"):
        tree = ast.parse(module.read_text())
        names: dict[str, set[str]] = {}
        for statement in ast.walk(tree):
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        names.setdefault(target.id, set()).add(statement.value.value)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Op" and len(node.args) >= 2:
                for method in _texts(node.args[0], names):
                    rows |= {(method.upper(), path) for path in _texts(node.args[1], names)}
    return rows


def schema_operations(client: Client) -> set[tuple[str, str]]:
    schema = client.get("/api/v1/schema/?format=json").json()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")  # version 1, and the ideas list from before it
        for method in operations
        if method in METHODS
    }


def test_every_api_operation_has_a_row_in_the_permission_matrix(client: Client) -> None:
    operations = schema_operations(client)
    rows = matrix_rows()
    assert len(operations) >= 3
    assert sorted(operations - rows) == [], "operations with no row in a permission matrix"
    # Rows for a method the path does not offer are fine (they check the 405); rows for a path
    # the schema does not have are stale.
    paths = {path for _method, path in operations}
    assert sorted(path for _method, path in rows if path not in paths) == [], "rows for paths that are gone"
