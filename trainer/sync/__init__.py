"""The device side of sync: drain the outbox to the trainer server or any xAPI record store."""
