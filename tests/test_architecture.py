"""The shape the design promises, checked on the source: one way through, no import cycles, and
nothing too big to read. Imports count wherever they are written: at the top, inside a function,
or under TYPE_CHECKING."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "storage")
MAX_METHODS = 20
MAX_FUNCTION_LINES = 50


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Our modules this one imports, by any import statement anywhere in it."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {t for t in targets if t in known}
    return found - {name}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def test_services_rules_and_storage_never_import_handlers() -> None:
    offenders = {name: sorted(i for i in imported if i.startswith("handlers"))
                 for name, imported in graph().items()
                 if name.startswith(("bot.services", "bot.rules", "storage"))}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_import_cycles() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            # A package's __init__ importing its own submodules is how packages are built.
            if nxt.startswith(node + "."):
                continue
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert cycles == []


def definitions() -> Iterator[tuple[str, ast.AST]]:
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef | ast.FunctionDef):
                yield name, node


def test_no_class_has_more_than_twenty_methods() -> None:
    classes = {node.name: node for _, node in definitions() if isinstance(node, ast.ClassDef)}

    def methods(node: ast.ClassDef) -> int:
        # Methods a class inherits from our own classes count too: splitting a class into a
        # parent and a child does not make it smaller.
        own = sum(isinstance(n, ast.FunctionDef) for n in node.body)
        bases = [b.id for b in node.bases if isinstance(b, ast.Name) and b.id in classes]
        return own + sum(methods(classes[b]) for b in bases if classes[b] is not node)

    big = {f"{module}.{node.name}": count for module, node in definitions()
           if isinstance(node, ast.ClassDef) and (count := methods(node)) > MAX_METHODS}
    assert big == {}


def test_no_function_is_longer_than_fifty_lines_outside_block_kit_builders() -> None:
    long = {f"{module}.{node.name}": node.end_lineno - node.lineno + 1
            for module, node in definitions()
            if isinstance(node, ast.FunctionDef) and node.end_lineno is not None
            and not module.startswith("handlers.blocks")
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES}
    assert long == {}


def test_every_picture_in_our_messages_is_a_cue_screen_readers_can_leave_out() -> None:
    """A screen-reader user's messages leave out the pictures listed in CUES (the words beside
    them say the same); a picture anywhere else in our words would be read aloud by name."""
    from bot.rules.communication import CUES, has_emoji, without_cues

    found = []
    # The pictures people text us as a yes or a no are what they send, not what we say.
    for name, path in modules().items():
        if name in ("bot.rules.communication", "bot.rules.texting"):
            continue
        tree = ast.parse(path.read_text())
        # ":opp:" between two values of an f-string is a block id's separator, not a picture.
        separators = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                      for part in node.values if isinstance(part, ast.Constant)
                      and re.fullmatch(r":[a-z_]+:", str(part.value))}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and node.value != ":memory:" and id(node) not in separators
                    and has_emoji(without_cues(node.value))):
                found.append(f"{name}:{node.lineno} {node.value[:40]!r}")
    assert found == [], f"add these pictures to CUES, or say it in words: {found}"
    assert all(has_emoji(cue) for cue in CUES)
