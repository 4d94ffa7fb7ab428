"""The layout's one rule, checked on the source (AST): each layer imports only itself and the layers
below it. The core (`scraper/`) knows no site and no crawl; the cleaners know the core; the pipeline
(`scraper/pipeline.py`) chooses a cleaner; what runs the pipeline over many pages (the crawl's
`spiders/`, the batch jobs, the benchmark) uses it; the HTTP service (`scraper/service/`) runs the batch
jobs; the CLI and the package's API sit on top. Only the pipeline and the CLI import `cleaners/` or
`spiders/`. The tests and the benchmarks share helpers only
through `tests/support`: no test module imports another, nor `conftest.py` (which holds fixtures)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("scraper", "cleaners", "spiders")

# Groups of modules, by name or package prefix; the longest match decides a module's group.
GROUPS = {
    "scraper": "core",
    "cleaners": "cleaners",
    "scraper.pipeline": "pipeline",
    "spiders": "crawl",
    "scraper.jobs": "batch jobs",
    "scraper.bench": "batch jobs",
    "scraper.shards": "batch jobs",
    "scraper.schedulers": "batch jobs",
    "scraper.service": "service",
    "scraper.cli": "cli",
    "scraper.__main__": "cli",
}
EXACT = {"scraper": "api"}  # the package itself: `extract` from the pipeline, on first use
# What each group may import besides itself (the standard library and third-party packages aside).
MAY_IMPORT = {
    "core": set(),
    "cleaners": {"core"},
    "pipeline": {"core", "cleaners"},
    "crawl": {"core", "pipeline"},
    "batch jobs": {"core", "pipeline"},
    "api": {"core", "pipeline"},
    "service": {"core", "batch jobs"},
    "cli": {"core", "cleaners", "pipeline", "crawl", "batch jobs", "api", "service"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def group(module: str) -> str:
    if module in EXACT:
        return EXACT[module]
    prefixes = [p for p in GROUPS if module == p or module.startswith(f"{p}.")]
    return GROUPS[max(prefixes, key=len)]


def imports(module: str, *, top_level_only: bool = False) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of one of our modules; `from pkg import name` counts as an
    import of `pkg.name` when that is a module."""
    path = MODULES[module]
    tree = ast.parse(path.read_text("utf-8"), str(path))
    nodes = tree.body if top_level_only else ast.walk(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in nodes:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up `level - 1` more
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}".rstrip(".")
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:  # `import spiders.state.sqlite as x`, a module's attribute
                name = name.rpartition(".")[0]
            if name and name != module:
                yield node.lineno, name


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_layer_imports_only_the_layers_below_it(module: str) -> None:
    mine = group(module)
    wrong = [
        f"{MODULES[module].relative_to(ROOT)}:{line} imports {name} ({group(name)})"
        for line, name in imports(module)
        if group(name) != mine and group(name) not in MAY_IMPORT[mine]
    ]
    assert not wrong, f"{module} ({mine}) may import only {sorted(MAY_IMPORT[mine] | {mine})}: {wrong}"


def test_module_imports_form_no_cycle() -> None:
    """Modules import each other at load time without a cycle, so any of them can be imported first."""
    graph = {module: {name for _, name in imports(module, top_level_only=True)} for module in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for name in sorted(graph[module]):
            assert state.get(name) != 1, "import cycle: " + " -> ".join([*path[path.index(name) :], name])
            if name not in state:
                visit(name, [*path, name])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")]),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_tests_and_benchmarks_share_helpers_only_through_tests_support(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    imported: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "tests":  # `from tests import support`
            imported += [(node.lineno, f"tests.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append((node.lineno, node.module or ""))
    wrong = [
        f"line {line}: {name}"
        for line, name in imported
        if name.startswith("tests.") and name != "tests.support" and not name.startswith("tests.support.")
    ]
    assert not wrong, wrong
