"""Invitations: an administrator creates an account, the person chooses its password from an e-mail."""

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def send_invitation(user, *, request):
    """E-mail this person a link to choose their password, valid for PASSWORD_RESET_TIMEOUT.

    The link is a password reset link: it stops working once a password is chosen.
    """
    context = {
        "user": user,
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    subject = "".join(render_to_string("registration/invitation_subject.txt", context).splitlines())
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [user.email])


def throttling_key(request, credentials):
    """Return the address django-axes counts failures against: "Alice@…" and "alice@…" are one person."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    return typed.strip().lower()
