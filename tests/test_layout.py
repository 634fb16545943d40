"""The architecture rules from the layout issue, checked by static analysis of src/mockint: SQL
lives only in storage/; the CLI is a thin layer that nothing but the entry point imports; the
package's modules import each other without cycles; `mockint --help` imports no heavy library;
and imports of the package inside functions are few, each explained by a `# lazy:` comment."""

from __future__ import annotations

import ast
import functools
import io
import os
import re
import subprocess
import sys
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

MAX_FUNCTION_LEVEL_IMPORTS = 12

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
PACKAGE = "mockint"

# an SQL statement at the start of a string; upper case only, so "Select a type" is prose
SQL_START = re.compile(
    r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK"
    r"|SAVEPOINT|RELEASE|WITH)\b"
)
DATABASE_METHODS = frozenset({"execute", "executemany", "executescript", "table", "query"})
DATABASE_RECEIVER_SUFFIXES = ("db", "conn")
HEAVY_LIBRARIES = (
    "pydantic",
    "sqlite_utils",
    "google",  # google.genai
    "openai",
    "httpx",
    "numpy",
    "model2vec",
    "tokenizers",
    "sounddevice",
    "faster_whisper",
    "jinja2",
)
LAZY_MARK = "# lazy:"


# --- shared helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One module of the package: where it is, its dotted name and its syntax tree."""

    display: str  # e.g. "src/mockint/cli/app.py", for messages
    module: str  # e.g. "mockint.cli.app"; a package's __init__ is the package itself
    is_package: bool
    text: str
    tree: ast.Module

    def at(self, node: ast.stmt | ast.expr) -> str:
        return f"{self.display}:{node.lineno}"

    def is_under(self, package: str) -> bool:
        return self.module == package or self.module.startswith(package + ".")


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def load(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    return Source(
        display=path.relative_to(REPO).as_posix(),
        module=module_name(path),
        is_package=path.name == "__init__.py",
        text=text,
        tree=ast.parse(text, filename=str(path)),
    )


def sample(text: str, module: str = "mockint.sample", *, is_package: bool = False) -> Source:
    """An in-memory module, for proving that a check flags what it should."""
    display = "src/" + module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
    return Source(display, module, is_package, text, ast.parse(text))


@functools.cache
def package_sources() -> tuple[Source, ...]:
    return tuple(load(path) for path in sorted((SRC / PACKAGE).rglob("*.py")))


def known_modules(sources: Iterable[Source]) -> frozenset[str]:
    return frozenset(source.module for source in sources)


def walk_with_ancestors(
    node: ast.AST, ancestors: tuple[ast.AST, ...] = ()
) -> Iterator[tuple[ast.AST, tuple[ast.AST, ...]]]:
    """Every node below `node`, with the chain of nodes enclosing it (outermost first)."""
    for child in ast.iter_child_nodes(node):
        yield child, ancestors
        yield from walk_with_ancestors(child, (*ancestors, child))


@dataclass(frozen=True)
class Import:
    node: ast.Import | ast.ImportFrom
    target: str  # the mockint module it imports, resolved as described in resolve_imports
    in_function: bool


def _absolute_module(source: Source, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = source.module.split(".")
    if not source.is_package:
        package.pop()
    if node.level > 1:
        package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, *([node.module] if node.module else [])])


def resolve_imports(source: Source, known: frozenset[str]) -> list[Import]:
    """Every import statement of a mockint module anywhere in the file (module level, inside
    functions, under `if TYPE_CHECKING:`). `from mockint.a import b` imports mockint.a.b when that
    module exists, else mockint.a; one Import per imported module, so a statement may give several.
    """
    imports: list[Import] = []
    for node, ancestors in walk_with_ancestors(source.tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        in_function = any(
            isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) for a in ancestors
        )
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _absolute_module(source, node)
            targets = []
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                targets.append(candidate if alias.name != "*" and candidate in known else base)
        for target in dict.fromkeys(targets):
            if target == PACKAGE or target.startswith(PACKAGE + "."):
                imports.append(Import(node, target, in_function))
    return imports


def comments(text: str) -> dict[int, tuple[str, bool]]:
    """Line number -> (comment, whether the comment is alone on its line)."""
    found: dict[int, tuple[str, bool]] = {}
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            alone = not token.line[: token.start[1]].strip()
            found[token.start[0]] = (token.string, alone)
    return found


def bulleted(lines: Iterable[str]) -> str:
    return "\n".join(f"  {line}" for line in lines)


# --- rule 1: SQL lives only in storage/ ----------------------------------------------------------


def _receiver_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def sql_offences(source: Source) -> list[str]:
    """SQL in a module: a string literal (or a literal part of an f-string; implicit
    concatenations are one literal in the syntax tree) starting with an upper-case SQL statement,
    or a call such as db.execute(...), self.db.table(...), db.conn.execute(...)."""
    offences: list[str] = []
    for node in ast.walk(source.tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_START.match(node.value):
                text = " ".join(node.value.split())
                offences.append(f"{source.at(node)}: SQL string {text[:60]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver = _receiver_name(node.func.value)
            if (
                node.func.attr in DATABASE_METHODS
                and receiver is not None
                and receiver.lower().endswith(DATABASE_RECEIVER_SUFFIXES)
            ):
                offences.append(f"{source.at(node)}: database call {receiver}.{node.func.attr}()")
    return sorted(set(offences), key=_by_location)


def _by_location(offence: str) -> tuple[str, int, str]:
    path, line, rest = offence.split(":", 2)
    return path, int(line), rest


# --- rule 2: only the entry point imports the CLI -------------------------------------------------


def cli_imports(source: Source, known: frozenset[str]) -> list[str]:
    return [
        f"{source.at(i.node)}: imports {i.target}"
        for i in resolve_imports(source, known)
        if i.target == f"{PACKAGE}.cli" or i.target.startswith(f"{PACKAGE}.cli.")
    ]


# --- rule 3: no import cycles ---------------------------------------------------------------------


def import_graph(sources: Iterable[Source]) -> dict[str, dict[str, list[str]]]:
    """module -> imported mockint module -> where (file:line); imports of itself are left out.

    Importing ``mockint.a.b`` runs ``mockint/a/__init__.py`` first, so it is an import of the
    package ``mockint.a`` too, unless that package is one of the importer's own (already
    running when the importer runs). The root package is left out (it imports nothing)."""
    sources = tuple(sources)
    known = known_modules(sources)
    graph: dict[str, dict[str, list[str]]] = {}
    for source in sources:
        edges = graph.setdefault(source.module, {})
        own = {source.module.rsplit(".", n)[0] for n in range(1, source.module.count(".") + 1)}
        for i in resolve_imports(source, known):
            parts = i.target.split(".")
            packages = [".".join(parts[:n]) for n in range(2, len(parts))]
            for target in [i.target, *(p for p in packages if p not in own and p in known)]:
                if target != source.module:
                    edges.setdefault(target, []).append(source.at(i.node))
    return graph


def strongly_connected_components(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; each component sorted, components in discovery order."""
    successors = {node: sorted(set(targets)) for node, targets in graph.items()}
    for targets in list(successors.values()):
        for target in targets:
            successors.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> Iterator[str]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return iter(successors[node])

    for root in sorted(successors):
        if root in index:
            continue
        work = [(root, visit(root))]
        while work:
            node, pending = work[-1]
            for target in pending:
                if target not in index:
                    work.append((target, visit(target)))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    components.append(sorted(component))
    return components


def import_cycles(graph: Mapping[str, Mapping[str, list[str]]]) -> list[str]:
    """One entry per cycle (a component of two or more modules), with the imports that form it."""
    reports: list[str] = []
    for component in strongly_connected_components(graph):
        if len(component) < 2:
            continue
        members = set(component)
        edges = [
            f"    {where}: {module} -> {target}"
            for module in component
            for target, places in sorted(graph.get(module, {}).items())
            if target in members
            for where in places
        ]
        reports.append("cycle: " + ", ".join(component) + "\n" + "\n".join(edges))
    return reports


# --- rule 4: a fast --help ------------------------------------------------------------------------

IMPORTTIME_LINE = re.compile(r"^import time:\s*\d+\s*\|\s*\d+\s*\|\s*(\S+)\s*$")


def imported_top_level(importtime_stderr: str) -> set[str]:
    """Top-level module names in the output of `python -X importtime`."""
    return {
        match.group(1).split(".")[0]
        for line in importtime_stderr.splitlines()
        if (match := IMPORTTIME_LINE.match(line))
    }


# --- rule 5: few, explained, function-level imports of the package ------------------------------


def function_level_imports(source: Source, known: frozenset[str]) -> list[tuple[str, bool]]:
    """(file:line, explained) for each import statement of a mockint module inside a function.
    Explained means a `# lazy: <reason>` comment on one of the statement's lines, or alone on the
    line directly above it."""
    notes = comments(source.text)

    def is_lazy_note(line: int, *, alone_required: bool) -> bool:
        comment, alone = notes.get(line, ("", False))
        reason = comment[len(LAZY_MARK) :].strip() if comment.startswith(LAZY_MARK) else ""
        return bool(reason) and (alone or not alone_required)

    found: list[tuple[str, bool]] = []
    statements = {id(i.node): i.node for i in resolve_imports(source, known) if i.in_function}
    for node in sorted(statements.values(), key=lambda n: n.lineno):
        end = node.end_lineno or node.lineno
        explained = is_lazy_note(node.lineno - 1, alone_required=True) or any(
            is_lazy_note(line, alone_required=False) for line in range(node.lineno, end + 1)
        )
        found.append((source.at(node), explained))
    return found


# --- the rules ------------------------------------------------------------------------------------


def test_sql_lives_only_in_storage() -> None:
    offences = [
        offence
        for source in package_sources()
        if not source.is_under(f"{PACKAGE}.storage")
        for offence in sql_offences(source)
    ]
    assert not offences, (
        f"SQL outside src/{PACKAGE}/storage/ ({len(offences)}); move it behind a storage function:\n"
        + bulleted(offences)
    )


def test_only_the_entry_point_imports_the_cli() -> None:
    sources = package_sources()
    known = known_modules(sources)
    offences = [
        offence
        for source in sources
        if not source.is_under(f"{PACKAGE}.cli") and source.module != f"{PACKAGE}.__main__"
        for offence in cli_imports(source, known)
    ]
    assert not offences, (
        f"only src/{PACKAGE}/__main__.py may import {PACKAGE}.cli ({len(offences)}):\n"
        + bulleted(offences)
    )


def test_no_import_cycles() -> None:
    cycles = import_cycles(import_graph(package_sources()))
    assert not cycles, f"import cycles ({len(cycles)}):\n" + bulleted(cycles)


def test_help_imports_no_heavy_libraries(tmp_path: Path) -> None:
    env = {**os.environ, "MOCKINT_HOME": str(tmp_path), "COLUMNS": "100"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", PACKAGE, "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    imported = imported_top_level(result.stderr)
    assert PACKAGE in imported, "no importtime lines parsed from stderr"
    heavy = sorted(imported.intersection(HEAVY_LIBRARIES))
    assert not heavy, f"`{PACKAGE} --help` imports {', '.join(heavy)}"


def test_function_level_imports_of_the_package_are_few_and_explained() -> None:
    sources = package_sources()
    known = known_modules(sources)
    found = [item for source in sources for item in function_level_imports(source, known)]
    problems: list[str] = []
    unexplained = [where for where, explained in found if not explained]
    if unexplained:
        problems.append(
            f"function-level imports of {PACKAGE} without a `{LAZY_MARK} <reason>` comment "
            f"on the same line or the line above ({len(unexplained)}):\n" + bulleted(unexplained)
        )
    if len(found) > MAX_FUNCTION_LEVEL_IMPORTS:
        problems.append(
            f"{len(found)} function-level imports of {PACKAGE}, at most "
            f"{MAX_FUNCTION_LEVEL_IMPORTS} allowed:\n" + bulleted(where for where, _ in found)
        )
    assert not problems, "\n".join(problems)


# --- the checks themselves flag violations ----------------------------------------------------------


def test_the_sql_check_flags_sql() -> None:
    source = sample(
        '"""Select the rows; select * is not SQL here."""\n'
        "def f(db, self, where, client):\n"
        '    db.execute("SELECT 1")\n'
        '    q = ("DELETE FROM t " "WHERE id = ?")\n'
        '    r = f"""\n        UPDATE t SET x = 1{where}"""\n'
        "    self.db.table('calls').update(1, {})\n"
        "    db.conn.executescript(q)\n"
        "    self._conn.query(r)\n"
        '    message = "Select a type. Update your key. Delete? Creates a file."\n'
        '    client.execute("nothing")\n'
        '    return f"{where} matches" + " WITH" + "WITHIN"\n'
    )
    flagged = [offence.split(": ", 1)[1] for offence in sql_offences(source)]
    assert flagged == [
        "SQL string 'SELECT 1'",
        "database call db.execute()",
        "SQL string 'DELETE FROM t WHERE id = ?'",
        "SQL string 'UPDATE t SET x = 1'",
        "database call db.table()",
        "database call conn.executescript()",
        "database call _conn.query()",
        "SQL string 'WITH'",
    ]


def test_the_cli_check_flags_imports_of_the_cli() -> None:
    known = frozenset({"mockint", "mockint.cli", "mockint.cli.app", "mockint.sample"})
    source = sample(
        "from typing import TYPE_CHECKING\n"
        "from mockint import cli\n"
        "import mockint.cli.app as app\n"
        "if TYPE_CHECKING:\n"
        "    from mockint.cli.app import App\n"
        "def f():\n"
        "    from mockint.cli import main\n"
        "import mockint.client\n"
        "from mockint import sample\n"
    )
    assert [offence.split(": ", 1)[1] for offence in cli_imports(source, known)] == [
        "imports mockint.cli",
        "imports mockint.cli.app",
        "imports mockint.cli.app",
        "imports mockint.cli",
    ]


def test_the_cycle_check_flags_cycles() -> None:
    sources = [
        sample("import mockint.b\nimport mockint.a\n", "mockint.a"),
        sample("def f():\n    from mockint import c\n", "mockint.b"),
        sample(
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from mockint.a import x\n",
            "mockint.c",
        ),
        sample("from mockint import d\nfrom .. import e\n", "mockint.d", is_package=True),
        sample("from .d import thing\n", "mockint.e"),
        sample("import mockint.a\n", "mockint.f"),
    ]
    graph = import_graph(sources)
    assert graph["mockint.a"] == {"mockint.b": ["src/mockint/a.py:1"]}
    assert graph["mockint.d"] == {"mockint.e": ["src/mockint/d/__init__.py:2"]}
    assert graph["mockint.e"] == {"mockint.d": ["src/mockint/e.py:1"]}
    components = [c for c in strongly_connected_components(graph) if len(c) > 1]
    assert sorted(components) == [
        ["mockint.a", "mockint.b", "mockint.c"],
        ["mockint.d", "mockint.e"],
    ]
    reports = import_cycles(graph)
    assert len(reports) == 2
    assert "src/mockint/c.py:3: mockint.c -> mockint.a" in "\n".join(reports)


def test_the_importtime_parser_flags_heavy_libraries() -> None:
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       150 |        150 |   _io\n"
        "import time:        90 |      12000 |     pydantic.main\n"
        "import time:        10 |        200 | google.genai\n"
        "import time:        10 |        200 | mockint\n"
    )
    imported = imported_top_level(stderr)
    assert imported == {"_io", "pydantic", "google", "mockint"}
    assert sorted(imported.intersection(HEAVY_LIBRARIES)) == ["google", "pydantic"]


def test_the_lazy_import_check_flags_unexplained_imports() -> None:
    known = frozenset({"mockint", "mockint.a", "mockint.b"})
    source = sample(
        "from typing import TYPE_CHECKING\n"  # 1
        "import mockint.a\n"  # 2: module level
        "if TYPE_CHECKING:\n"  # 3
        "    from mockint import b\n"  # 4: module level
        "def f():\n"  # 5
        "    import json\n"  # 6: not the package
        "    from mockint.a import x  # lazy: keeps --help fast\n"  # 7: explained
        "    from mockint.b import y\n"  # 8: an explained line above is not alone
        "    # lazy: only the report needs it\n"  # 9
        "    from mockint import b\n"  # 10: explained
        "    # lazy:\n"  # 11
        "    import mockint.a\n"  # 12: no reason given
        "    class C:\n"  # 13
        "        from mockint.a import (\n"  # 14
        "            z,  # lazy: a cycle otherwise\n"  # 15
        "        )\n"  # 16: explained
        "    # lazy is good\n"  # 17
        "    from mockint import a\n"  # 18: not `# lazy:`
    )
    assert function_level_imports(source, known) == [
        ("src/mockint/sample.py:7", True),
        ("src/mockint/sample.py:8", False),
        ("src/mockint/sample.py:10", True),
        ("src/mockint/sample.py:12", False),
        ("src/mockint/sample.py:14", True),
        ("src/mockint/sample.py:18", False),
    ]


def test_the_cycle_check_counts_the_package_an_import_initialises() -> None:
    # mockint.b.helper imports mockint.a.base, which runs mockint/a/__init__.py, which imports
    # mockint.b.helper: a cycle no single module edge shows
    sources = [
        sample("def helper(): pass\n", "mockint.a", is_package=True),
        sample("X = 1\n", "mockint.a.base"),
        sample("from mockint.a.base import X\n", "mockint.b.helper"),
        sample("", "mockint.b", is_package=True),
    ]
    assert not import_cycles(import_graph(sources))
    sources[0] = sample(
        "def f():\n    from mockint.b.helper import X\n", "mockint.a", is_package=True
    )
    [cycle] = import_cycles(import_graph(sources))
    assert cycle.startswith("cycle: mockint.a, mockint.b.helper")
    # a package importing its own modules is no cycle: they run inside it
    own = [sample("from mockint.a.base import X\n", "mockint.a", is_package=True), sources[1]]
    assert not import_cycles(import_graph(own))


def test_data_files_are_read_only_through_resources() -> None:
    offenders = []
    for source in package_sources():
        if source.module == "mockint.resources":
            continue
        for node in ast.walk(source.tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name == "importlib.resources" or name.startswith("importlib.resources.")
                   for name in names) or (
                isinstance(node, ast.ImportFrom) and node.module == "importlib"
                and any(alias.name == "resources" for alias in node.names)
            ):  # fmt: skip
                offenders.append(source.at(node))
    assert not offenders, "read mockint/data through mockint.resources:\n" + bulleted(offenders)
