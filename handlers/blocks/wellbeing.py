"""Blocks for wellbeing checks."""

from __future__ import annotations

from bot.notices import Notice
from handlers.blocks.text import Renderer

RENDERERS: dict[type[Notice], Renderer] = {}
