"""Development and embedded default: runs with no environment at all (SQLite, a file broker)."""

from .base import *  # noqa: F403
