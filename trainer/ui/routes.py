"""Route table: pattern -> screen module. A route's View sits on top of the Views of its
parent routes (its path prefixes), so system back and the AppBar back arrow work."""

from __future__ import annotations

from .views import home, reader, settings
from .views import quiz
from .views import sync
from . import screening

# (pattern, builder). Builders: build(app, params) -> ft.View. Order does not matter;
# the most specific pattern (most literal segments) wins.
ROUTES = [
    ("/", home.build),
    ("/settings", settings.build),
    ("/module/:module_id", reader.build),
    ("/module/:module_id/section/:section_id", reader.build),
    # features append their routes here
    *quiz.ROUTES,  # quiz, review, certificates (trainer/ui/views/quiz.py)
    *screening.ROUTES,  # the indicator checklist (trainer/ui/screening/)
    *sync.ROUTES,  # sync status, "Sync now", enrolment (trainer/ui/views/sync.py)
]
