"""Signals other apps subscribe to, so that people depends on none of them."""

from django.dispatch import Signal

# Sent after the transaction that moved a person commits.
# Arguments: person, from_unit, to_unit, actor.
person_moved = Signal()
