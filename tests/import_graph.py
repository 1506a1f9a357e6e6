"""The import graph between the parts of the `inspector` package, read from the source (AST).

A part is a sub-package (`inspector/workflow/`) or a top-level module (`inspector/errors.py`);
`inspector/__init__.py` is the part `inspector` (the app factory, which wires every part). The
HTTP and command-line edges of a package (`workflow/api.py`, `sla/cli.py`) are parts of their own
(`workflow.api`, `sla.cli`): they sit on top (HTTP -> services -> models) and may call any
package, while no package may call them. Imports inside functions count too: a lazy import hides
a circle, it does not remove it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

PACKAGE = "inspector"
EDGES = ("api", "cli")  # modules that translate HTTP or the command line into calls


def part_of(module: str) -> str | None:
    """`inspector.workflow.service` -> `workflow`; `inspector` -> `inspector`; others -> None."""
    names = module.split(".")
    if names[0] != PACKAGE:
        return None
    if len(names) == 1:
        return PACKAGE
    if len(names) > 2 and names[2] in EDGES:
        return f"{names[1]}.{names[2]}"
    return names[1]


def _module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    names = list(rel.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def _imported(node: ast.AST, module: str, is_package: bool) -> Iterable[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        if node.level == 0:
            base = node.module or ""
        else:
            anchor = module.split(".")
            anchor = anchor if is_package else anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([node.module] if node.module else []))
        if node.module:  # `from . import http` imports inspector.http, not inspector itself
            yield base
        for alias in node.names:  # `from .. import models` imports inspector.models
            yield f"{base}.{alias.name}"


def package_graph(root: Path) -> dict[str, set[str]]:
    """part -> the other parts it imports."""
    graph: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        module = _module_name(root, path)
        source = part_of(module)
        graph.setdefault(source, set())
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            for name in _imported(node, module, path.name == "__init__.py"):
                target = part_of(name)
                if target is not None and target != source and _exists(root, name):
                    graph[source].add(target)
    return graph


def _exists(root: Path, name: str) -> bool:
    """`from ..grid import service` names a module; `from ..access.auth import public` does not."""
    rel = Path(*name.split(".")[1:])
    base = root / rel
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists() or not rel.parts


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one part (Tarjan), each sorted: the circles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)
