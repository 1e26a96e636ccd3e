"""Sync status as a person should read it: what waits, when it last worked, what went wrong.

Problems are codes with parameters; the English texts here are marked for translation
(`N_`) and the UI passes them through its gettext catalogue before formatting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.i18n import N_

# state -> short label
STATES = {
    "not_set_up": N_("Not set up"),
    "idle": N_("Up to date"),
    "waiting": N_("Waiting to send"),
    "syncing": N_("Sending…"),
    "offline": N_("No connection"),
    "error": N_("Unable to sync"),
    "needs_enrolment": N_("Enrol again"),
}

# problem code -> plain words (format parameters in braces)
MESSAGES = {
    "not_set_up": N_("Sync is not set up. Enter the server address and the enrolment code from your trainer."),
    "offline": N_("Could not reach the server. Your results are safe on this device and will be sent when there is a connection."),
    "timeout": N_("The server took too long to answer. Your results are safe on this device; Waymark will try again."),
    "not_lrs": N_("The network answered, but it was not the results server (perhaps a Wi-Fi sign-in page). Sign in to the network in a browser, then sync again."),
    "needs_enrolment": N_("The server no longer accepts this device. Ask your trainer for a new enrolment code and enrol again."),
    "busy": N_("The server is busy. Waymark will try again in about {seconds} seconds."),
    "server_error": N_("The server had a problem (error {status}). Your results are safe on this device; Waymark will try again."),
    "not_found": N_("There is no results server at this address. Check the server address in the sync settings."),
    "rejected": N_("Some results were refused by the server and will not be sent again: {reason}"),
    "enrol_failed": N_("Enrolment did not work: {reason}"),
    "bad_settings": N_("The sync settings are not complete: {reason}"),
}


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, translate=lambda s: s) -> str:
        return translate(MESSAGES.get(self.code, self.code)).format(**self.params)

    def as_json(self) -> dict:
        return {"code": self.code, "params": self.params}

    @classmethod
    def from_json(cls, data: Any) -> "Problem | None":
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            return cls(data["code"], dict(data.get("params") or {}))
        return None


@dataclass(frozen=True)
class SyncStatus:
    state: str
    waiting: int  # statements not yet acknowledged (pending or in flight)
    rejected: int
    sent: int
    last_success_at: str | None
    last_attempt_at: str | None
    problem: Problem | None
    target: str | None  # the address results go to, for display
    held: int = 0  # set aside: the server failed on each of these alone
    held_reason: str | None = None  # why the latest one was set aside

    @property
    def label(self) -> str:
        return STATES.get(self.state, self.state)


def derive_state(*, configured: bool, syncing: bool, waiting: int, problem: Problem | None) -> str:
    """One word for the status line, from facts (pure, so the rule is tested once)."""
    if not configured:
        return "not_set_up"
    if syncing:
        return "syncing"
    if problem is not None:
        if problem.code == "needs_enrolment":
            return "needs_enrolment"
        if problem.code in ("offline", "timeout"):
            return "offline"
        if problem.code != "rejected":
            return "error"
    return "waiting" if waiting else "idle"
