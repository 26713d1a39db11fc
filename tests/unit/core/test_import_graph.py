"""The import graph of the project's packages: no cycles, and imports pointing one way.

Every ``import`` is counted, at the top of a module or inside a function (an import made late
still ties the two modules together). ``from package import module`` is an edge to the
module, not to the package's ``__init__``.

The direction, from the bottom: ``triage`` (which knows nothing of the rest; the models use
its reading of names), ``models``, ``coi`` (neither knows the workbench); the workbench's
core; then the stages of the procedure in their
order (library, intake and sorting, examination, review, reporting), each of which may use the
core and the stages before it; then the demo data and the command line, which may use every
stage; then the UI in the same order (its shared core, then one package per stage, then the
case file that shows them all); then the app, the web server and the migrations. Nothing
below the UI imports it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("models", "coi", "triage", "workbench")
#: Layers from the bottom; a module may import its own layer's package and any lower layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("triage",),
    ("models",),
    ("coi",),
    ("workbench.core",),
    ("workbench.library",),
    ("workbench.intake",),
    ("workbench.examination",),
    ("workbench.review",),
    ("workbench.reporting",),
    ("workbench.demo",),
    ("workbench.cli",),
    ("workbench.ui.core",),
    ("workbench.ui.library",),
    ("workbench.ui.intake",),
    ("workbench.ui.examination",),
    ("workbench.ui.review",),
    ("workbench.ui.reporting",),
    ("workbench.ui.case_file",),
    ("workbench.app", "workbench.server", "workbench.migrations", "workbench"),
)


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                           for a in node.names]
            for target in targets:
                found = known(target)
                if found and found != name:
                    graph[name].add(found)
    return graph


def _layer(name: str) -> tuple[int, str]:
    best = (-1, "")
    for index, layer in enumerate(LAYERS):
        for prefix in layer:
            if (name == prefix or name.startswith(prefix + ".")) and len(prefix) > len(best[1]):
                best = (index, prefix)
    return best


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_there_is_no_import_cycle() -> None:
    assert _cycles(_graph(_modules())) == []


def test_every_module_has_a_place_in_the_layers() -> None:
    assert [m for m in _modules() if _layer(m)[0] < 0] == []


def test_imports_point_from_later_stages_to_earlier_ones_and_never_into_the_ui() -> None:
    wrong = []
    for source, targets in _graph(_modules()).items():
        level, own = _layer(source)
        for target in targets:
            target_level, target_prefix = _layer(target)
            if target_level > level or (target_level == level and target_prefix != own):
                wrong.append(f"{source} -> {target}")
    assert sorted(wrong) == []


def test_the_check_sees_a_cycle_and_a_wrong_direction() -> None:
    """The helpers above find what they are meant to find."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]
    assert _layer("workbench.review.rulings")[0] > _layer("workbench.examination.decisions")[0]
    assert _layer("workbench.ui.core.nav")[0] > _layer("workbench.reporting.tasks")[0]
