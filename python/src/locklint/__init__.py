"""locklint: lock-risk analyzer for PostgreSQL migrations (https://github.com/locklint/locklint).

The command is a Node.js program shipped in this package (_bundle/); _launcher runs it.
"""

from ._version import __version__

__all__ = ["__version__"]
