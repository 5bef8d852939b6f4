"""Model fields shared by the apps."""

from django.core.validators import MaxLengthValidator
from django.db import models

# How long a free text may be: room for a detailed account, not for a pasted document.
SHORT_TEXT = 2000  # a reason, whom to contact, a note on a legal basis
LONG_TEXT = 5000  # a description, a summary, a comment, a note
MINUTES_TEXT = 10000  # the minutes of a meeting


class LimitedTextField(models.TextField):
    """A free text bounded by `max_length`: its form field says the limit and refuses longer input, and so does the
    model's validation (Django's TextField only hands `max_length` to the form field)."""

    def __init__(self, *args, max_length=LONG_TEXT, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(self.max_length))
