"""`python app.py teams-package`: the zip's manifest.json validates against the Teams manifest
schema of the version it declares, and the icons are PNGs of the required sizes."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.knowledge.model import KnowledgeBase
from handlers.settings import read_settings
from handlers.teams.package import (
    COLOR_ICON,
    MANIFEST_VERSION,
    OUTLINE_ICON,
    PackageError,
    run_teams_package,
    to_manifest,
    write_teams_package,
)
from tests.conftest import ROOT
from tests.teams_support import CLIENT_ID

pytestmark = pytest.mark.unit

# Fetched by `make teams-schemas` (npm pack @microsoft/app-manifest), never committed.
SCHEMAS = ROOT / ".cache" / "app-manifest" / "package" / "build" / "json-schemas" / "teams"
ENV = {"CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": CLIENT_ID}


@cache
def manifest_validator(version: str) -> jsonschema.Draft4Validator:
    path = SCHEMAS / f"v{version}" / "MicrosoftTeams.schema.json"
    if not path.is_file():
        pytest.fail(f"the Teams manifest schema is missing at {path}: run `make teams-schemas` (needs npm)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def read_png(data: bytes) -> tuple[int, int, list[list[tuple[int, int, int, int]]]]:
    """Width, height and RGBA rows of a non-interlaced 8-bit RGBA PNG with filter 0 rows."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, bytes] = {}
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        position += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour_type, interlace) == (8, 6, 0)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 4 * width
    rows = []
    for y in range(height):
        line = raw[y * stride:(y + 1) * stride]
        assert line[0] == 0
        rows.append([tuple(line[1 + 4 * x:5 + 4 * x]) for x in range(width)])
    return width, height, rows  # type: ignore[return-value]


@pytest.fixture()
def package(tmp_path: Path, kb: KnowledgeBase) -> zipfile.ZipFile:
    path = write_teams_package(read_settings(ENV), kb, tmp_path / "out" / "teams.zip")
    return zipfile.ZipFile(io.BytesIO(path.read_bytes()))


def test_the_zip_holds_the_manifest_and_both_icons_at_its_root(package: zipfile.ZipFile) -> None:
    assert sorted(package.namelist()) == sorted(["manifest.json", COLOR_ICON, OUTLINE_ICON])


def test_the_manifest_validates_against_the_schema_of_its_version(package: zipfile.ZipFile) -> None:
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["manifestVersion"] == MANIFEST_VERSION
    assert manifest["$schema"].endswith(f"/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json")
    errors = list(manifest_validator(manifest["manifestVersion"]).iter_errors(manifest))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    (bot,) = manifest["bots"]
    assert bot["botId"] == CLIENT_ID and bot["scopes"] == ["personal", "team", "groupChat"]
    assert manifest["icons"] == {"color": COLOR_ICON, "outline": OUTLINE_ICON}
    assert [c["title"] for c in bot["commandLists"][0]["commands"]] == ["help", "list", "schedule", "remind"]
    assert "旭川市・室蘭市・帯広市" in manifest["description"]["full"]


def test_the_validator_is_not_a_pass_through(kb: KnowledgeBase) -> None:
    manifest = to_manifest(read_settings(ENV), kb)
    broken: dict[str, Any] = {**manifest, "bots": [{**manifest["bots"][0], "botId": "not-a-guid"}]}
    del broken["icons"]
    messages = [e.message for e in manifest_validator(MANIFEST_VERSION).iter_errors(broken)]
    assert any("'icons' is a required property" in m for m in messages)
    assert any("not-a-guid" in m for m in messages)


def test_the_colour_icon_is_192_opaque_and_the_outline_32_white_on_transparent(package: zipfile.ZipFile) -> None:
    width, height, colour = read_png(package.read(COLOR_ICON))
    assert (width, height) == (192, 192)
    assert all(pixel[3] == 255 for row in colour for pixel in row)
    assert colour[0][0] == (0x1F, 0x5F, 0xA8, 255)  # the accent colour behind the symbol
    assert any(pixel[:3] == (255, 255, 255) for row in colour for pixel in row)
    width, height, outline = read_png(package.read(OUTLINE_ICON))
    assert (width, height) == (32, 32)
    visible = [pixel for row in outline for pixel in row if pixel[3] > 0]
    assert visible and all(pixel[:3] == (255, 255, 255) for pixel in visible)
    assert outline[0][0][3] == 0 and len(visible) < 32 * 32 / 2


def test_the_ids_come_from_the_environment(kb: KnowledgeBase) -> None:
    derived = to_manifest(read_settings(ENV), kb)
    assert derived["id"] == to_manifest(read_settings(ENV), kb)["id"] != CLIENT_ID  # stable per bot
    app_id = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    chosen = to_manifest(read_settings({**ENV, "TEAMS_APP_ID": app_id,
                                            "TEAMS_WEBSITE_URL": "https://example.go.jp/renkei",
                                            "TEAMS_PRIVACY_URL": "https://example.go.jp/privacy"}), kb)
    assert chosen["id"] == app_id
    assert chosen["developer"]["privacyUrl"] == "https://example.go.jp/privacy"
    assert chosen["developer"]["termsOfUseUrl"] == "https://example.go.jp/renkei"


def test_without_a_client_id_the_command_says_what_to_set(tmp_path: Path, kb: KnowledgeBase) -> None:
    with pytest.raises(PackageError, match="CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"):
        to_manifest(read_settings({"TEAMS_ANONYMOUS": "true"}), kb)
    out, err = io.StringIO(), io.StringIO()
    assert run_teams_package(read_settings({}), kb, tmp_path / "teams.zip", out, err) == 2
    assert "CLIENTID" in err.getvalue() and not (tmp_path / "teams.zip").exists()
    assert run_teams_package(read_settings(ENV), kb, tmp_path / "teams.zip", out, err) == 0
    assert str(tmp_path / "teams.zip") in out.getvalue() and (tmp_path / "teams.zip").is_file()
