"""The tree reads as the data flow: every import points to an earlier stage (or the shared
records), there are no import cycles, and modules and functions stay small.

    text -> reading -> nlp -> judging -> config -> engine -> output / training -> archive -> cli / app

Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "analyzer"

# Stage of each part of the package, in data-flow order. Modules of one stage may import each
# other; across stages an import goes only to a lower number. Two different parts with the same
# number are siblings and may not import each other.
STAGES: dict[str, float] = {
    "analyzer.version": 0,
    "analyzer.errors": 0,
    "analyzer.findings": 0,
    "analyzer.yamlio": 0,
    "analyzer.reading": 1,
    "analyzer.nlp": 2,
    "analyzer.judging": 3,
    "analyzer.config": 4,  # which rules, severities and sections: validated against judging's rules
    "analyzer.engine": 5,
    "analyzer": 5.5,  # the public API (analyze, load_analyzer), a facade over the engine
    "analyzer.output": 6,
    "analyzer.training": 6,
    "analyzer.archive": 7,
    "analyzer.cli": 8,
    "analyzer.app": 8,
    "analyzer.__main__": 9,
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _part(module: str) -> str:
    """The longest STAGES key that `module` is, or lies under."""
    best = "analyzer"
    for key in STAGES:
        if (module == key or module.startswith(key + ".")) and len(key) > len(best):
            best = key
    return best


def _imports(module: str, path: Path) -> set[str]:
    """Every analyzer module `module` imports, resolved to module names that exist."""
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}: relative import (use absolute analyzer.* imports)"
            base = node.module or ""
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES and "." in name:
                name = name.rsplit(".", 1)[0]
            if name in MODULES and name != module:
                out.add(name)
    return out


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def test_every_module_belongs_to_a_stage():
    assert "analyzer.reading.markdown" in MODULES and "analyzer.judging.rules.agent" in MODULES
    for module in MODULES:
        assert _part(module) in STAGES


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_to_earlier_stages(module):
    src = _part(module)
    for target in sorted(GRAPH[module]):
        dst = _part(target)
        if dst == src:
            continue
        assert STAGES[dst] < STAGES[src], (
            f"{module} (stage {src}) imports {target} (stage {dst}): imports must point to an earlier stage"
        )


def test_no_import_cycles():
    """Tarjan's strongly connected components over the module graph: every component is one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
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
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert cycles == []


def test_the_import_checker_sees_a_backward_import(tmp_path):
    """The checks above can fail: a reading module that imports the engine is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from analyzer.engine import Analyzer\n", encoding="utf-8")
    found = _imports("analyzer.reading.bad", bad)
    assert found == {"analyzer.engine"}
    assert STAGES[_part("analyzer.engine")] > STAGES[_part("analyzer.reading.bad")]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_and_functions_stay_small(module):
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    assert text.count("\n") <= MAX_MODULE_LINES, f"{module}: over {MAX_MODULE_LINES} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{module}.{node.name}: {length} lines"


def test_every_package_says_what_stage_it_is():
    for module, path in MODULES.items():
        if path.name == "__init__.py":
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            assert doc and len(doc.split()) >= 12, f"{module}: a package opens with a docstring saying its stage"
