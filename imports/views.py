"""The spreadsheet import: download a template, upload a filled file, read its preview, confirm.

Between the preview and the confirmation, the file waits in the private storage under a random name, known only
to the session of the person who sent it. The confirmation reads it again and checks every row again before
writing anything. A file never confirmed is deleted by the `clear_pending_imports` command, run daily.
"""

import secrets

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from imports.columns import KINDS, NEEDS, ORGANIZATIONS, PROJECTS, UPDATE_RULE
from imports.downloads import template_response
from imports.forms import UploadForm
from imports.importers import ImportHasErrors, column_indexes, preview_summary, run_import, summarize
from imports.pending import pending_path
from imports.reading import MAX_SIZE, FileRefused, read_table
from imports.rows import ERROR, NEW, OUTCOME_LABELS, UNCHANGED, UPDATED
from projects.models import private_storage

SESSION_KEY = "imports"
# The preview lists the rows in error up to this number, and the new or updated ones up to this number too; it counts
# the others, and the unchanged rows.
PREVIEW_ROWS = 500
EXPIRED = (
    "Ce fichier n'est plus en attente : un fichier déposé sans être confirmé est effacé au bout d'un jour. "
    "Déposez-le à nouveau."
)


def check_may_import_or_404(user):
    """Only révélateurs import, into their own structure; anyone else is told there is nothing here."""
    if not user.is_revelateur:
        raise Http404


def get_pending_import_or_404(request, token):
    """Return the file this session uploaded under `token` (its entry and its bytes, None once the file was cleared
    away), or raise 404."""
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None:
        raise Http404
    if not private_storage.exists(entry["path"]):
        return entry, None
    with private_storage.open(entry["path"], "rb") as file:
        data = file.read(MAX_SIZE + 1)
    return entry, data


def imported_records_link(kind, user):
    """Return the link to the list where the records just imported are: the last changed first, where it can."""
    if kind == NEEDS:
        return f"{reverse('needs:list')}?order=-updated_at", "Voir les besoins, les derniers modifiés en tête"
    if kind == PROJECTS:
        url = f"{reverse('projects:list')}?structure={user.structure_id}&ordering=updated"
        return url, "Voir les projets de votre structure, les derniers modifiés en tête"
    if kind == ORGANIZATIONS:
        return reverse("partners:list"), "Voir l'annuaire des partenaires"
    raise ValueError(kind)


def index(request):
    check_may_import_or_404(request.user)
    form = UploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = KINDS[form.cleaned_data["kind"]]
        upload = form.cleaned_data["file"]
        data = upload.read(MAX_SIZE + 1)
        try:
            column_indexes(kind, read_table(upload.name, data).header)
        except FileRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            # One file waits per session: a new upload replaces the one not confirmed.
            for earlier in request.session.get(SESSION_KEY, {}).values():
                private_storage.delete(earlier["path"])
            token = secrets.token_urlsafe(16)
            path = private_storage.save(pending_path(request.user, token), ContentFile(data))
            pending = {token: {"path": path, "name": upload.name[:200], "kind": kind.slug}}
            request.session[SESSION_KEY] = pending
            return redirect("imports:preview", token=token)
    context = {"form": form, "kinds": KINDS.values(), "update_rule": UPDATE_RULE}
    return render(request, "imports/import_index.html", context)


def template(request, kind, file_format):
    check_may_import_or_404(request.user)
    if kind not in KINDS or file_format not in ("csv", "xlsx"):
        raise Http404
    return template_response(KINDS[kind], file_format)


def preview(request, token):
    check_may_import_or_404(request.user)
    entry, data = get_pending_import_or_404(request, token)
    if data is None:
        return _expired(request, token)
    kind = KINDS[entry["kind"]]
    try:
        # The rows are read and checked as they come: a file of 10,000 rows never lies in memory as a whole.
        table = read_table(entry["name"], data, stream=True)
        summary = preview_summary(kind, table, request.user, limit=PREVIEW_ROWS)
    except FileRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("imports:index")
    return _render_preview(request, token, entry, kind, summary)


@require_POST
def confirm(request, token):
    check_may_import_or_404(request.user)
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None:
        # Confirmed already (a second click, a reload): the first confirmation did the work.
        messages.info(request, "Cet import a déjà été confirmé, ou il a expiré : rien de plus n'a été modifié.")
        return redirect("imports:index")
    entry, data = get_pending_import_or_404(request, token)
    if data is None:
        return _expired(request, token)
    kind = KINDS[entry["kind"]]
    try:
        results = run_import(kind, read_table(entry["name"], data), user=request.user, filename=entry["name"])
    except ImportHasErrors as refusal:
        messages.error(request, "Des lignes sont en erreur : rien n'a été importé. Corrigez le fichier et déposez-le.")
        return _render_preview(request, token, entry, kind, summarize(refusal.results, limit=PREVIEW_ROWS))
    except FileRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("imports:index")
    _forget(request, token, entry)
    counts = summarize(results, limit=0).counts
    url, link_text = imported_records_link(kind, request.user)
    messages.success(
        request,
        format_html(
            'Import des {} du fichier « {} » terminé : {}, {}, {}. <a href="{}">{}</a>',
            kind.label,
            entry["name"],
            _fiches(counts[NEW], "créée"),
            _fiches(counts[UPDATED], "mise", " à jour"),
            _fiches(counts[UNCHANGED], "inchangée"),
            url,
            link_text,
        ),
    )
    return redirect("imports:index")


def _expired(request, token):
    _drop(request, token)
    messages.info(request, EXPIRED)
    return redirect("imports:index")


def _forget(request, token, entry):
    _drop(request, token)
    private_storage.delete(entry["path"])


def _drop(request, token):
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


def _fiches(count, participle, rest=""):
    """« 1 fiche créée », « 2 fiches mises à jour », « 0 fiche inchangée »."""
    plural = "s" if count > 1 else ""
    return f"{count} fiche{plural} {participle}{plural}{rest}"


def _render_preview(request, token, entry, kind, summary):
    context = {
        "token": token,
        "name": entry["name"],
        "kind": kind,
        "counts": [(outcome, OUTCOME_LABELS[outcome], summary.counts[outcome]) for outcome in OUTCOME_LABELS],
        "total": summary.total,
        "errors": summary.errors,
        "error_count": summary.counts[ERROR],
        "errors_left_out": summary.errors_left_out,
        "others": summary.others,
        "others_left_out": summary.others_left_out,
        "unchanged": summary.counts[UNCHANGED],
        "form": UploadForm(initial={"kind": kind.slug}),
    }
    return render(request, "imports/import_preview.html", context)
