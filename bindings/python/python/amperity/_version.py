"""The package version (the wheel's version, from the Cargo workspace)."""

from __future__ import annotations

try:
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__: str = version("amperity")
    except PackageNotFoundError:
        __version__ = "0.0.0+unknown"
except ImportError:  # pragma: no cover - Python < 3.8 is not supported anyway
    __version__ = "0.0.0+unknown"
