"""Views of this module (to be written): see gen/views/__init__.py."""

from __future__ import annotations

from .base import ViewSpec

VIEWS_HERE: tuple[ViewSpec, ...] = ()
