from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from territories.models import Structure


@login_not_required
def home(request):
    structures = Structure.objects.prefetch_related("departments")
    return render(request, "fabrique/home.html", {"structures": structures})


@login_not_required
@never_cache
def health(request):
    """Answer 200 when the application and its database answer, 503 otherwise (for uptime monitors)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "indisponible"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
def accessibility(request):
    return render(request, "fabrique/accessibility.html")


@login_not_required
def legal_notice(request):
    return render(request, "fabrique/legal_notice.html")
