"""`python app.py teams-package`: the Teams app package (a zip to upload in Teams or the admin
center) with `manifest.json`, a 192×192 colour icon and a 32×32 outline icon.

The bot id is the client id the server runs with (CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID),
so the package always names the bot this deployment answers as. The icons are drawn here with
the standard library (zlib + struct write the PNG): two linked rings, for 連携.
"""

from __future__ import annotations

import json
import math
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.commands.registry import COMMANDS
from bot.knowledge.model import KnowledgeBase
from bot.language.messages import say
from bot.ops.settings import Settings
from handlers.teams.settings import TEAMS_CLIENT_ID_VARIABLE, TeamsSettings, is_guid

# A generally available manifest schema (June 2026); the tests validate against it.
MANIFEST_VERSION = "1.29"
MANIFEST_SCHEMA_URL = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
DEFAULT_PACKAGE_PATH = "build/renkei-bot-teams.zip"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
COLOR_SIZE = 192
OUTLINE_SIZE = 32
ACCENT = (0x1F, 0x5F, 0xA8)
# The manifest's app id when TEAMS_APP_ID is not set: stable for a given bot id.
APP_ID_NAMESPACE = uuid.UUID("6f1c2b9e-52d4-4c1e-9a55-7f3b0e2c8d41")
BOT_SCOPES = ["personal", "team", "groupChat"]

Pixel = tuple[int, int, int, int]


class PackageError(ValueError):
    """The package cannot be built; the message says which variable to set."""


# --- the manifest --------------------------------------------------------------------------------


def to_manifest(settings: Settings, kb: KnowledgeBase) -> dict[str, Any]:
    teams = settings.section(TeamsSettings)
    bot_id = teams.client_id
    if not bot_id or not is_guid(bot_id):
        raise PackageError(f"{TEAMS_CLIENT_ID_VARIABLE} must be set to the bot's Microsoft App ID (a GUID)")
    website = teams.website_url
    names = say("word_separator").join(partner.name for partner in kb.partners)
    return {
        "$schema": MANIFEST_SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": teams.app_version,
        "id": teams.app_id or str(uuid.uuid5(APP_ID_NAMESPACE, bot_id.lower())),
        "developer": {
            "name": teams.developer_name,
            "websiteUrl": website,
            "privacyUrl": teams.privacy_url or website,
            "termsOfUseUrl": teams.terms_url or website,
        },
        "name": {"short": "Renkei Bot", "full": say("bot_name")},
        "description": {
            "short": say("teams_app_short"),
            "full": say("teams_app_full", issuer=kb.document.issuer, names=names,
                        count=str(len(kb.documents)))[:4000],
        },
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [{
            "botId": bot_id,
            "scopes": BOT_SCOPES,
            "isNotificationOnly": False,
            "supportsFiles": False,
            "commandLists": [{"scopes": BOT_SCOPES, "commands": to_manifest_commands()}],
        }],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [],
    }


def to_manifest_commands() -> list[dict[str, str]]:
    # The menu offers what everyone may run; admin commands are listed in `help` only.
    return [{"title": command.name, "description": command.to_help().description[:128]} for command in COMMANDS
            if not command.admin_only]


# --- icons ---------------------------------------------------------------------------------------


def to_png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An 8-bit RGBA PNG of `pixel(x, y)` for every pixel."""
    rows = b"".join(
        b"\x00" + bytes(channel for x in range(width) for channel in pixel(x, y)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def ring_coverage(size: int, x: int, y: int, *, samples: int = 4) -> float:
    """How much of pixel (x, y) two linked rings cover (0..1), by supersampling."""
    radius, thickness = size * 0.22, size * 0.075
    centres = ((size * 0.38, size * 0.5), (size * 0.62, size * 0.5))
    hits = 0
    for i in range(samples):
        for j in range(samples):
            px, py = x + (i + 0.5) / samples, y + (j + 0.5) / samples
            if any(abs(math.hypot(px - cx, py - cy) - radius) <= thickness / 2 for cx, cy in centres):
                hits += 1
    return hits / samples**2


def to_color_icon(size: int = COLOR_SIZE) -> bytes:
    """White rings on the accent colour, edge to edge (Teams' colour icon)."""

    def pixel(x: int, y: int) -> Pixel:
        cover = ring_coverage(size, x, y)
        r, g, b = (round(c + (255 - c) * cover) for c in ACCENT)
        return r, g, b, 255

    return to_png(size, size, pixel)


def to_outline_icon(size: int = OUTLINE_SIZE) -> bytes:
    """White rings on transparency (Teams' outline icon: white and transparent only)."""

    def pixel(x: int, y: int) -> Pixel:
        return 255, 255, 255, round(255 * ring_coverage(size, x, y))

    return to_png(size, size, pixel)


# --- the package ---------------------------------------------------------------------------------


def write_teams_package(settings: Settings, kb: KnowledgeBase, output: str | Path = DEFAULT_PACKAGE_PATH) -> Path:
    """Write the zip (manifest and icons at its root, as Teams requires); returns its path."""
    manifest = to_manifest(settings, kb)
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    files = {
        "manifest.json": json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
        COLOR_ICON: to_color_icon(),
        OUTLINE_ICON: to_outline_icon(),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            # A fixed timestamp: the same settings give the same bytes.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    return path


def run_teams_package(settings: Settings, kb: KnowledgeBase, output: str | Path, stdout: TextIO,
                      stderr: TextIO) -> int:
    """`python app.py teams-package [--output PATH]`: 0 and the path, or 2 and what to set."""
    try:
        path = write_teams_package(settings, kb, output)
    except PackageError as error:
        print(f"cannot build the Teams package: {error}", file=stderr)
        return 2
    bot_id = settings.section(TeamsSettings).client_id
    print(f"Teams app package written to {path} (manifest {MANIFEST_VERSION}, bot {bot_id})", file=stdout)
    return 0
