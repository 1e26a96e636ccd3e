"""Flet views: they show the core's data and collect input; rules and storage live in trainer.core."""
