"""What the needs' actions announce, for the apps above needs to act on (the notifications tell people): needs
imports none of them. The views send each signal at the point of the action, once its transaction commits; a
receiver only enqueues work, so that the effect of an action stays readable from its view."""

from django.dispatch import Signal

# A collectivité proposed `need`.
proposal_received = Signal()
# The structure gave the need `need_id`, proposed by a collectivité, the `status` qualified, in study or dismissed,
# with the `public_reason` of a dismissal (what the collectivité may read).
proposal_followed = Signal()
