"""The core's floors (docs/architecture.md, "The packages of the core"): each package of `bot/`
may import only itself and the packages below it, and no module sits directly in `bot/`.

The imports are read with `ast`, so an import inside a function or under `TYPE_CHECKING`
counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"

# Bottom to top.
LAYERS = ("language", "knowledge", "store", "answering", "ops", "reminders", "commands")


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> Iterator[str]:
    """Every module `module` names in an import, relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # `from bot import language` imports the package bot.language.
            yield from (f"{base}.{alias.name}" for alias in node.names if base == "bot")


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "bot" else None


def upward_imports(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """The imports of `module` that reach a package above its own."""
    own = LAYERS.index(layer_of(module) or "")
    return sorted({
        imported for imported in imported_modules(source, module, is_package=is_package)
        if (layer := layer_of(imported)) in LAYERS and LAYERS.index(layer) > own
    })


def bot_modules() -> list[Path]:
    return sorted(BOT.rglob("*.py"))


def test_the_check_sees_an_upward_import_wherever_it_is_written() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from bot.language.text import clean\n"
        "if TYPE_CHECKING:\n    from bot.answering.answer import Answer\n"
        "def later():\n    import bot.commands.registry\n"
    )
    assert upward_imports(source, "bot.store.records") == ["bot.answering.answer", "bot.commands.registry"]
    assert upward_imports("from ..ops import settings\n", "bot.store.records") == ["bot.ops"]
    assert upward_imports("from bot import reminders\n", "bot.knowledge.model") == ["bot.reminders"]
    assert upward_imports("from bot.store.records import Vote\n", "bot.ops.feedback") == []


def test_no_module_sits_directly_in_bot() -> None:
    loose = [path.name for path in BOT.glob("*.py") if path.name != "__init__.py"]
    assert loose == [], f"put these in a package of bot/ (see docs/architecture.md): {loose}"


def test_every_package_of_bot_has_a_place_in_the_layers() -> None:
    packages = sorted(path.parent.name for path in BOT.glob("*/__init__.py"))
    assert packages == sorted(LAYERS), "declare a new package's floor in LAYERS and docs/architecture.md"


def test_every_package_says_what_it_is_for() -> None:
    for layer in LAYERS:
        docstring = ast.get_docstring(ast.parse((BOT / layer / "__init__.py").read_text(encoding="utf-8")))
        assert docstring, f"bot/{layer}/__init__.py needs a docstring: what the package is for and offers"


@pytest.mark.parametrize("path", bot_modules(), ids=lambda path: module_name(path))
def test_no_package_imports_one_above_it(path: Path) -> None:
    module = module_name(path)
    if module == "bot":
        return
    assert layer_of(module) in LAYERS, f"{module} is in no declared package of bot/: {LAYERS}"
    found = upward_imports(path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py")
    assert found == [], f"{module} ({layer_of(module)}) imports from a higher floor: {found}; floors: {LAYERS}"
