"""The import structure of the project, read from the source (nothing is run): which module imports
which, whether any circle exists, whether a layer of ``qb_core`` imports one above it, and where a
function imports a project module instead of the module's head.

Usage: ``python -m devtools.imports`` prints the layers and every violation (exit 1 if any).

The layers of ``qb_core`` are :data:`CORE_LAYERS`, lowest first: a module imports its own layer and the
ones below.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
#: The project's own top-level packages (an import of one of these is a project import).
PROJECT_PACKAGES: tuple[str, ...] = ("qb_core", "ui", "app_pages", "devtools", "bench", "streamlit_app")
#: ``qb_core``'s layers, lowest first: a module name (``qb_core.units``) or a package
#: (``qb_core.networks``, every module inside it) per entry.
CORE_LAYERS: tuple[tuple[str, ...], ...] = (
    ("qb_core.paths", "qb_core.units", "qb_core.vocabulary", "qb_core.labels", "qb_core.question",
     "qb_core.csv_io", "qb_core.distinct", "qb_core.roofline_formulas"),
    ("qb_core.networks",),
    ("qb_core.hardware",),
    ("qb_core.measurements",),
    ("qb_core.analyses",),
    ("qb_core.model", "qb_core.host"),
    ("qb_core.links",),
    ("qb_core.service",),
    ("qb_core.cli", "qb_core.__main__", "qb_core"),
)
#: What ``qb_core`` never imports: the app's packages and the UI framework.
CORE_NEVER_IMPORTS: tuple[str, ...] = ("ui", "app_pages", "streamlit", "altair", "devtools", "bench")


@dataclass(frozen=True)
class Import:
    """One import statement: the module that has it, the module it names, its line, and whether it
    sits inside a function or class body instead of the module's head."""

    importer: str
    imported: str
    line: int
    local: bool


def module_name(path: Path, root: Path = PROJECT_DIR) -> str:
    """``qb_core/networks/zoo.py`` -> ``qb_core.networks.zoo``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: set[str]) -> list[str]:
    """The modules an import names: ``from pkg import name`` names ``pkg.name`` where that is a module."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        anchor = importer.split(".") if is_package else importer.split(".")[:-1]
        anchor = anchor[: len(anchor) - (node.level - 1)]
        base = ".".join([*anchor, base] if base else anchor)
    return sorted({f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names})


def imports_of(path: Path, root: Path = PROJECT_DIR, modules: set[str] | None = None) -> list[Import]:
    """Every import statement of one file, with whether it is function-local (``modules``: the
    project's, to tell ``from pkg import module`` from ``from module import name``)."""
    importer = module_name(path, root)
    modules = modules if modules is not None else {module_name(p, root) for p in project_files(root)}
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, local: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda)
            if isinstance(child, ast.Import | ast.ImportFrom):
                for target in _targets(child, importer, path.name == "__init__.py", modules):
                    found.append(Import(importer, target, child.lineno, local))
            visit(child, inner)

    visit(tree, False)
    return found


def project_files(root: Path = PROJECT_DIR) -> list[Path]:
    """The project's Python files (tests and the virtual environment left out)."""
    files = [root / name for name in ("streamlit_app.py", "serve.py") if (root / name).exists()]
    for package in PROJECT_PACKAGES:
        if (root / package).is_dir():
            files.extend(sorted((root / package).rglob("*.py")))
    return files


def every_import(root: Path = PROJECT_DIR) -> tuple[set[str], list[Import]]:
    """The project's modules and every import in them, of the project or not (each file parsed once)."""
    files = project_files(root)
    modules = {module_name(path, root) for path in files}
    return modules, [entry for path in files for entry in imports_of(path, root, modules)]


def between_modules(modules: set[str], imports: list[Import]) -> list[Import]:
    """The imports of ``imports`` from one project module to another (targets resolved to modules)."""
    return [entry for entry in imports if entry.imported in modules and entry.imported != entry.importer]


def graph(root: Path = PROJECT_DIR) -> tuple[set[str], list[Import]]:
    """The project's modules and every import between two of them (targets resolved to modules)."""
    modules, imports = every_import(root)
    return modules, between_modules(modules, imports)


def _following(modules: set[str], edges: list[Import]) -> dict[str, set[str]]:
    """Module -> the modules it imports (a package's ``__init__`` importing its own modules left out)."""
    following: dict[str, set[str]] = {m: set() for m in modules}
    for edge in edges:
        if not edge.importer.startswith(edge.imported + "."):
            following[edge.importer].add(edge.imported)
    return following


def circles(modules: set[str], edges: list[Import]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    following = _following(modules, edges)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(following[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = stack[stack.index(node):]
            del stack[stack.index(node):]
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(modules) + 100))
    for module in sorted(modules):
        if module not in index:
            connect(module)
    return groups


def core_layer(module: str) -> int | None:
    """The index of ``module``'s layer in :data:`CORE_LAYERS` (None outside ``qb_core`` or unlisted)."""
    best: tuple[int, int] | None = None
    for number, members in enumerate(CORE_LAYERS):
        for member in members:
            inside = module == member or module.startswith(member + ".") and member != "qb_core"
            if inside and (best is None or len(member) > best[1]):
                best = (number, len(member))
    return None if best is None else best[0]


def violations(root: Path = PROJECT_DIR) -> list[str]:
    """Every breach of the structure, one sentence each: circles, a ``qb_core`` module outside the
    layers, a lower layer importing a higher one, ``qb_core`` importing the app, and a project import
    inside a function."""
    modules, imports = every_import(root)
    edges = between_modules(modules, imports)
    found = [f"circle: {' <-> '.join(group)}" for group in circles(modules, edges)]
    for module in sorted(m for m in modules if m.startswith("qb_core")):
        if core_layer(module) is None:
            found.append(f"{module} is in no layer of devtools.imports.CORE_LAYERS")
    for edge in edges:
        low, high = core_layer(edge.importer), core_layer(edge.imported)
        if low is not None and high is not None and high > low:
            found.append(f"{edge.importer}:{edge.line} imports {edge.imported}, a higher layer")
        if edge.local:
            found.append(f"{edge.importer}:{edge.line} imports {edge.imported} inside a function")
    for entry in imports:
        if entry.importer.startswith("qb_core") and entry.imported.split(".")[0] in CORE_NEVER_IMPORTS:
            found.append(f"{entry.importer}:{entry.line} imports {entry.imported}: the core stays free of the app")
    return sorted(set(found))


def main() -> None:
    for number, members in enumerate(CORE_LAYERS):
        print(f"layer {number}: {', '.join(members)}")
    found = violations()
    print("\n".join(found) if found else "no circle, no import upwards, no project import inside a function")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
