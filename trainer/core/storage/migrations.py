"""The ordered list of feature schemas. Each module named here owns one migration set,
keeps its schema beside its code and registers the set when imported."""

import importlib

FEATURE_SCHEMAS = [
    "trainer.core.storage.schema",  # settings, learner profile, reading progress, outbox
    # features append their schema module here, e.g. "trainer.core.quiz.schema"
    "trainer.core.quiz.schema",  # quiz attempts, answers, module completions
    "trainer.core.checklist.schema",  # screenings (encrypted), wrapped screening key
]

for _name in FEATURE_SCHEMAS:
    importlib.import_module(_name)
