"""The trainer dashboard, served by `trainer serve` under /dashboard/.

Trainers see who completed what, which questions are hard and which devices have gone
silent, for their own cohorts only. Everything is rendered on the server (HTML, inline SVG
charts, CSV): the server runs on a LAN with no internet, so nothing is loaded from a CDN.

Pages read small derived tables (one row per attempt, per answer, per learner and module)
that the ingest path keeps up to date (`summary.update_dashboard`), so no page view ever
parses the JSON of a million statements. This package's import is light on purpose: the
server's database module imports `schema` from here.
"""
