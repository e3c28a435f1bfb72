"""The house rules import-linter cannot state: scripts never load Textual, no module
takes another's private names, and no cycle between any two modules of db and tui.

(The contracts in pyproject.toml, run by `make test` as lint-imports, state the rest.)
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("db", "tui")


def test_the_command_line_never_loads_textual_or_rich(tmp_path: Path):
    register = tmp_path / "register.db"
    script = f"""
import sys
import tui.cli.main
assert "textual" not in sys.modules, "importing tui.cli.main loaded textual"
from tui.launch import main
for argv in (["init", "--name", "Hygiene"], ["list"], ["list", "--format", "json"]):
    code = main(["--db", {str(register)!r}, *argv])
    assert code == 0, (argv, code)
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & {{"textual", "rich"}})
print("loaded:", loaded)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={"ACTREG_AUTHOR": "Tester", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "loaded: []"


def _module_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_name_uses(module: str, path: Path) -> list[str]:
    """`from x import _y`, and `x._y` where x names another module of db or tui."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in PACKAGES or node.module == module:
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{module}:{node.lineno} imports {node.module}.{alias.name}")
                elif _is_module(f"{node.module}.{alias.name}"):
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and _private(node.attr)
        ):
            found.append(f"{module}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_module_takes_another_modules_private_names():
    found = [use for module, path in _module_files() for use in private_name_uses(module, path)]
    assert found == []


def test_the_private_name_check_finds_both_forms(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from db.read.queries import _fts_query\n"
        "from db.store import connection\n"
        "connection._uri('x')\n"
        "connection.fold('x')\n"
    )
    assert private_name_uses("sample", sample) == [
        "sample:1 imports db.read.queries._fts_query",
        "sample:3 uses db.store.connection._uri",
    ]


SQL_CALLS = {"execute", "executemany", "executescript", "fetchone", "fetchall", "fetchmany"}
#: Where no SQL runs: what the UI draws calls db functions (through the gateway).
NO_SQL = ("tui/screens", "tui/widgets", "tui/text", "tui/app")


def sql_calls(path: Path, root: Path = ROOT) -> list[str]:
    """Calls of a DB-API method (`conn.execute(...)`, `cursor.fetchone()`) in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(root)}:{node.lineno} calls .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SQL_CALLS
    ]


def test_the_ui_runs_no_sql_of_its_own():
    # import-linter keeps sqlite3 out of these packages; this catches a connection
    # handed in by a worker and used directly.
    found = [
        call
        for folder in NO_SQL
        for p in sorted((ROOT / folder).rglob("*.py"))
        for call in sql_calls(p)
    ]
    assert found == []


def test_the_sql_check_finds_a_query_on_a_handed_in_connection(tmp_path: Path):
    sample = tmp_path / "screen.py"
    sample.write_text("def card(conn):\n    return conn.execute('SELECT 1').fetchone()\n")
    assert [c.split(" ", 1)[1] for c in sql_calls(sample, tmp_path)] == [
        "calls .fetchone()",
        "calls .execute()",
    ]


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every set of modules that import one another round a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == module:
                    break
            if len(members) > 1:
                cycles.append(sorted(members))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_two_modules_import_each_other_even_inside_functions():
    # grimp reads every import statement, inside functions and TYPE_CHECKING too.
    assert import_cycles(grimp.build_graph(*PACKAGES)) == []


def test_the_cycle_check_finds_a_cycle_hidden_in_a_function(tmp_path: Path, monkeypatch):
    package = tmp_path / "loops"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from loops import b\n")
    (package / "b.py").write_text("def later():\n    from loops import a\n")
    (package / "c.py").write_text("from loops import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert import_cycles(grimp.build_graph("loops", cache_dir=None)) == [["loops.a", "loops.b"]]
