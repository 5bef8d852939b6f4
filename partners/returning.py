"""Coming back to the form one left to record an organisation in the directory, with that organisation chosen.

A form that offers « Créer une organisation » links to the directory with `next`, the path of the form; once the
organisation is recorded, the directory sends the person back there with `organisation=<pk>`, which the form reads
as its initial choice.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.http import url_has_allowed_host_and_scheme

from partners.models import Organization

CHOSEN = "organisation"


def return_path(request):
    """Return the path to come back to (`next`, in the form or the query), or "" unless it is a path of this site:
    never another site's address, whatever its form."""
    path = request.POST.get("next") or request.GET.get("next") or ""
    if path.startswith("/") and url_has_allowed_host_and_scheme(path, allowed_hosts=None):
        return path
    return ""


def back_with(path, organization):
    """Return `path` with `organization` chosen: `organisation=<pk>` in its query, in place of any other."""
    parts = urlsplit(path)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != CHOSEN]
    return urlunsplit(("", "", parts.path, urlencode([*query, (CHOSEN, organization.pk)]), parts.fragment))


def chosen_organization(request):
    """Return the organisation the directory sent back in the query, or None."""
    value = request.GET.get(CHOSEN, "")
    if not value.isdigit() or len(value) > 9:
        return None
    return Organization.objects.filter(pk=value).first()
