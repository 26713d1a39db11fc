"""Application core of the protection workbench: settings, storage, services and CLI."""

__version__ = "0.1.0"
