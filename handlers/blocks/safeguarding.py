"""Blocks for the s42 step and the chronology export."""

from __future__ import annotations

from bot.notices import Notice
from handlers.blocks.text import Renderer

RENDERERS: dict[type[Notice], Renderer] = {}
