"""The knowledge-base file limits are settings (KB_MAX_*), and the composition root hands them to
the reloader, so a file over a configured limit is rejected on reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.model import KnowledgeBase
from bot.knowledge.yaml_reader import YamlLimits
from bot.ops.settings import Settings, SettingsError
from handlers.runtime import build_core


def test_the_limits_are_read_from_the_environment() -> None:
    env = {"KB_MAX_BYTES": "5000", "KB_MAX_DEPTH": "12", "KB_MAX_NODES": "900", "KB_MAX_ALIASES": "0"}

    assert Settings.from_env(env).kb_limits == YamlLimits(max_bytes=5000, max_depth=12, max_nodes=900, max_aliases=0)
    assert Settings.from_env({}).kb_limits == YamlLimits()


@pytest.mark.parametrize(("name", "value"), [("KB_MAX_BYTES", "0"), ("KB_MAX_DEPTH", "deep"),
                                             ("KB_MAX_NODES", "-1"), ("KB_MAX_ALIASES", "-1")])
def test_a_bad_limit_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_the_reloader_uses_the_configured_limits(data_path: Path, tmp_path: Path, kb: KnowledgeBase) -> None:
    settings = Settings(data_path=str(data_path), kb_max_bytes=1000, database_url=f"sqlite:///{tmp_path / 'r.db'}")
    core = build_core(settings, kb)
    try:
        assert core.reloader.limits.max_bytes == 1000
        result = core.reloader.reload()
    finally:
        core.store.close()

    assert not result.ok
    assert "too large" in " ".join(result.problems)
