"""Per-session checklist state: the unlocked key, the screening on screen, idle tracking.

Kept free of Flet so the lock, idle and quick-exit rules can be tested directly. The key
lives here (in memory, for this session only) and nowhere else; `lock()` wipes it and
forgets the decrypted screening.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping

from ...core.checklist import Answer, IndicatorSet, Outcome, ReferralDirectory, evaluate, load_indicator_sets
from ...core.checklist.referrals import load_referral_directories
from ...core.checklist.store import IN_PROGRESS, Screening, ScreeningStore
from ...core.crypto import PinVault, SessionKey
from ...core.errors import DataErrors

IDLE_KEY = "checklist.idle_minutes"
DIRECTORY_KEY = "checklist.directory"
COUNTRY_KEY = "checklist.country"
DEFAULT_IDLE_MINUTES = 5
IDLE_CHOICES = (1, 2, 5, 10, 15)
DANGER_FLAG = "immediate-danger"


_SETS_LOCK = threading.Lock()


def indicator_sets(curricula_root: str) -> Mapping[str, IndicatorSet]:
    """Loaded once per process and kept; a first open while the background preload is still
    loading waits for it instead of loading a second time."""
    with _SETS_LOCK:
        return _indicator_sets(curricula_root)


@lru_cache(maxsize=4)
def _indicator_sets(curricula_root: str) -> Mapping[str, IndicatorSet]:
    return load_indicator_sets(Path(curricula_root))


def data_dir_of(db) -> Path | None:
    """The folder of the device database (where imported referral directories live)."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).parent
    return None


class ChecklistState:
    def __init__(self, app, clock: Callable[[], float] = time.monotonic):
        self.app = app
        self.store = ScreeningStore(app.db)
        self.clock = clock
        self.key: SessionKey | None = None
        self.screening: Screening | None = None
        self.last_activity = clock()
        self.private_index = 0
        self.private_done: int | None = None  # answers given in private mode, to tell the officer
        self.idle_task_running = False
        self.return_route: str | None = None  # where "Back" on the urgent screen returns to
        self.draft: dict | None = None  # a new screening before consent: nothing stored yet

    # --- data -------------------------------------------------------------------------
    @property
    def sets(self) -> Mapping[str, IndicatorSet]:
        """The installed indicator sets ({} if none load: the screens then say so)."""
        try:
            return indicator_sets(str(self.app.curriculum.root))
        except DataErrors:
            return {}

    def directories(self) -> Mapping[str, ReferralDirectory]:
        roots = [Path(self.app.curriculum.root)]
        data = data_dir_of(self.app.db)
        if data is not None:
            roots.append(data)
        try:
            return load_referral_directories(*roots)
        except Exception:  # a broken imported file must not hide the bundled directory
            return load_referral_directories(roots[0])

    def directory(self) -> ReferralDirectory | None:
        dirs = self.directories()
        chosen = self.app.settings.get(DIRECTORY_KEY)
        return dirs.get(chosen) or dirs.get("demo") or next(iter(dirs.values()), None)

    def country(self):
        d = self.directory()
        if d is None or not d.countries:
            return None
        return d.country(self.app.settings.get(COUNTRY_KEY) or "") or next(iter(d.countries.values()))

    # --- the key ----------------------------------------------------------------------
    def vault(self) -> PinVault:
        return self.store.vault(clock=time.time)

    @property
    def unlocked(self) -> bool:
        return self.key is not None and self.key.usable

    def unlocked_with(self, key: SessionKey) -> None:
        self.key = key
        self.touch()
        self.store.sweep()  # retention runs whenever the checklist is opened

    def lock(self) -> None:
        """Wipe the key and forget everything decrypted (quick exit, idle, 'Lock now')."""
        if self.key is not None:
            self.key.wipe()
        self.key = None
        self.screening = None
        self.draft = None
        self.private_index = 0
        self.private_done = None

    # --- idle -------------------------------------------------------------------------
    def touch(self) -> None:
        self.last_activity = self.clock()

    @property
    def idle_minutes(self) -> int:
        value = self.app.settings.get(IDLE_KEY)
        return value if value in IDLE_CHOICES else DEFAULT_IDLE_MINUTES

    def idle_expired(self) -> bool:
        return self.unlocked and self.clock() - self.last_activity >= self.idle_minutes * 60

    def lock_if_idle(self) -> bool:
        if self.idle_expired():
            self.lock()
            return True
        return False

    # --- the screening on screen ------------------------------------------------------
    def open(self, screening_id: str) -> Screening:
        if self.screening is None or self.screening.id != screening_id:
            self.screening = self.store.open(self.key, screening_id)
            self.private_index = 0
        return self.screening

    def indicator_set(self, screening: Screening | None = None) -> IndicatorSet:
        s = screening or self.screening
        return self.sets[s.set_id]

    def outcome(self) -> Outcome:
        """The screening's result. A practice run gets a practice result; so does a screening
        recorded before its profile became practice-only (it can never be a real result: the
        referral summary refuses it, and the screens say it is practice)."""
        s = self.screening
        iset = self.indicator_set(s)
        practice = s.practice or iset.profiles[s.profile_id].practice is not None
        return evaluate(iset, s.profile_id, s.answers, practice=practice)

    def answer(self, indicator_id: str, value: Answer | str | None) -> Outcome:
        self.touch()
        self.screening = self.store.record_answer(self.key, self.screening, indicator_id, value)
        return self.outcome()

    def update(self, **changes) -> Screening:
        self.touch()
        self.screening = self.store.save(self.key, replace(self.screening, **changes))
        return self.screening

    def flag_danger(self) -> None:
        s = self.screening
        if self.unlocked and s is not None and s.status == IN_PROGRESS and DANGER_FLAG not in s.flags:
            self.update(flags=(*s.flags, DANGER_FLAG))

    def askable(self) -> list[str]:
        """Indicator ids put to the person in private mode (observed-only ones are not)."""
        s = self.screening
        iset = self.indicator_set(s)
        return [i for i in iset.profiles[s.profile_id].indicator_ids if not iset.indicators[i].observed_only]


def checklist_state(app) -> ChecklistState:
    state = app.session.get("checklist")
    if state is None:
        state = app.session["checklist"] = ChecklistState(app)
    return state
