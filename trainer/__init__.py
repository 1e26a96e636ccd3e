"""Waymark: offline-first training and indicator checklist for frontline workers."""

__version__ = "0.1.0"
