"""One timeline of everything that happened to a project: its history rows (openings, moves, notes), COPIL
decisions, dated events and documents, newest first."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Entry:
    kind: str  # "event", "copil", "meeting" or "document": which partial shows it
    at: datetime.datetime  # when it happened, for the order
    item: object


def start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def build_timeline(*, events, copil_decisions, meetings, documents):
    """Return the entries of a project's timeline, newest first.

    A COPIL decision that moved the project shows in its history row; the others (recorded in the admin, or
    imported) show on their own, at their date. A dated event shows at the day it was held.
    """
    moved_by_copil = {event.copil_id for event in events if event.copil_id}
    entries = [Entry("event", event.at, event) for event in events]
    entries += [
        Entry("copil", start_of(copil.decided_on), copil)
        for copil in copil_decisions
        if copil.pk not in moved_by_copil
    ]
    entries += [Entry("meeting", start_of(meeting.held_on), meeting) for meeting in meetings]
    entries += [Entry("document", document.uploaded_at, document) for document in documents]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
