"""The app's core: data, rules and storage. Never imports Flet or FastAPI."""
