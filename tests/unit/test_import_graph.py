"""Packages import one way: any circle between the parts of `inspector` fails this test.

The graph is read from the source (tests/import_graph.py). The last circles (workflow <-> sla,
workflow <-> reports; issue #10) are cut: the SLA reacts to workflow signals, intake (reports)
opens cases through workflow, and workflow names neither package.
"""

from __future__ import annotations

from pathlib import Path

from ..import_graph import cycles, package_graph

ROOT = Path(__file__).resolve().parents[2] / "inspector"


def test_no_circle():
    assert cycles(package_graph(ROOT)) == []


def test_workflow_names_neither_sla_nor_reports():
    """The two circles cut last stay cut from the lower side (workflow sits below both)."""
    graph = package_graph(ROOT)
    assert not graph["workflow"] & {"sla", "reports"}
    assert {"workflow"} <= graph["sla"] and {"workflow"} <= graph["reports"]


def test_edges_of_http_and_cli_are_on_top():
    graph = package_graph(ROOT)
    for part, targets in graph.items():
        for target in targets:
            if target.endswith((".api", ".cli")):
                assert part in ("inspector", "cli"), (part, target)


def test_the_checker_finds_a_planted_circle():
    acyclic = {"a": {"b", "c"}, "b": {"c"}, "c": set(), "d": {"a"}}
    assert cycles(acyclic) == []
    planted = {**acyclic, "c": {"d"}}  # c -> d -> a -> b -> c
    assert cycles(planted) == [["a", "b", "c", "d"]]
    assert cycles({"x": {"x"}}) == [["x"]]
    two = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}, "e": {"a", "c"}}
    assert cycles(two) == [["a", "b"], ["c", "d"]]


def test_the_checker_reads_a_planted_circle_from_source(tmp_path):
    pkg = tmp_path / "inspector"
    for name, text in {
        "__init__.py": "",
        "low/__init__.py": "",
        "low/service.py": "def f():\n    from ..high.service import g  # lazy, still an edge\n",
        "high/__init__.py": "",
        "high/service.py": "from ..low import service\n",
        "high/api.py": "from ..low.service import f\n",
        "errors.py": "from . import http\n",
        "http.py": "",
    }.items():
        (pkg / name).parent.mkdir(parents=True, exist_ok=True)
        (pkg / name).write_text(text)
    graph = package_graph(pkg)
    assert graph["high.api"] == {"low"} and graph["errors"] == {"http"}
    assert cycles(graph) == [["high", "low"]]
