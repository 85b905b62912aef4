"""Blocks for an incident's record and its forms."""

from __future__ import annotations

from bot.notices import Notice
from handlers.blocks.text import Renderer

RENDERERS: dict[type[Notice], Renderer] = {}
