"""The e-mails' text: French, plain, with absolute links (the worker sends them outside any request)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse


def absolute(path):
    """Return the address of this path on the site, from SITE_URL."""
    return settings.SITE_URL + path


def render_message(template, context):
    """Return the subject and the body of the e-mail `notifications/<template>.txt` (and `_subject.txt`)."""
    context = {"account_url": absolute(reverse("account")), "site_url": settings.SITE_URL, **context}
    subject = "".join(render_to_string(f"notifications/{template}_subject.txt", context).splitlines())
    body = render_to_string(f"notifications/{template}.txt", context)
    return subject, body
