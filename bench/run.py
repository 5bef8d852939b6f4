"""The benchmark of `make bench`: serve the volume data with gunicorn and production settings, time every page
against a bare view measured in the same run, and write the table to docs/benchmarks.md.

Environment: BENCH_DB (database name, default fabrique_bench), RESEED=1 (drop the database and seed it again),
BENCH_N (timed requests per page, default 20), BENCH_WARMUP (default 2), BENCH_BUDGET (seconds per page at most,
default 60: a slow page is timed fewer times, at least 3), BENCH_OUTPUT (default docs/benchmarks.md).
"""

import csv
import datetime
import http.client
import io
import math
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path.cwd()
sys.path.insert(0, str(ROOT))

DATABASE = os.environ.get("BENCH_DB", "fabrique_bench")
N = int(os.environ.get("BENCH_N", "20"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "2"))
BUDGET = float(os.environ.get("BENCH_BUDGET", "60"))
OUTPUT = Path(os.environ.get("BENCH_OUTPUT", ROOT / "docs" / "benchmarks.md"))
RESEED = os.environ.get("RESEED", "") not in ("", "0")
GUNICORN = Path(sys.executable).parent / "gunicorn"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
# Pseudo statuses: no answer in time (or the worker was killed), and an import file the upload form refused.
TIMED_OUT, REFUSED = 599, 598

# The targets at a large network's scale, as ratios to the bare view where they can be.
PAGE_RATIO, DEEP_RATIO = 10, 1.3
STATS_P95_MS, STATS_FIRST_MS = 100, 2000
EXPORT_SECONDS = {"csv": 3, "xlsx": 6}
IMPORT_SECONDS, MEMORY_MB = 3, 50


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = free_port()
os.environ.update(
    {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        # testserver: the in-process client that counts the queries.
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "HTTPS": "false",
        "EMAIL_URL": "consolemail://",
        "DJANGO_SETTINGS_MODULE": "fabrique.settings",
    }
)


def log(message):
    print(message, file=sys.stderr, flush=True)


def prepare_database():
    """Create (or, with RESEED=1, recreate) the database, migrate it, and seed the volume unless it is there."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        if RESEED:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    from django.core.management import call_command

    from needs.models import Need

    call_command("migrate", verbosity=0)
    call_command("load_territories", stdout=io.StringIO())
    call_command("load_structures", stdout=io.StringIO())
    if not Need.objects.exists():
        log("Chargement du volume (seed_volume)…")
        started = time.monotonic()
        call_command("seed_volume", force=True)
        log(f"Volume chargé en {time.monotonic() - started:.0f} s.")
        # As autovacuum would, soon after such a load: the visibility map lets deep pages read their index alone.
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}", autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    call_command("collectstatic", interactive=False, verbosity=0)


def start_server():
    command = [
        str(GUNICORN),
        "fabrique.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT)
    for _ in range(300):
        if get("/sante/")[0] == 200:
            return server
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn ne répond pas.")


def workers(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def memory_kb(pid, field):
    """Read a memory figure of a process, in kB (0 once the process is gone: a worker killed on timeout)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def request(method, path, cookies=None, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
        status = response.status
        response_headers = response.getheaders()
    except (TimeoutError, http.client.HTTPException, ConnectionError):
        content, status, response_headers = b"", TIMED_OUT, []
    finally:
        connection.close()
    return status, time.perf_counter() - started, content, response_headers


def get(path, cookies=None):
    return request("GET", path, cookies)[:2]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_page(path, cookies=None):
    """Warm up, then time up to N requests (fewer when the page is slow): return timings (s) and statuses."""
    for _ in range(WARMUP):
        status, elapsed = get(path, cookies)
        if elapsed > BUDGET / 10:
            break
    timings, statuses, spent = [], set(), 0.0
    while len(timings) < N and (spent < BUDGET or len(timings) < 3):
        status, elapsed = get(path, cookies)
        timings.append(elapsed)
        statuses.add(status)
        spent += elapsed
    return timings, statuses


def count_queries(path, cookies=None, *, method="get", **kwargs):
    """Count the queries of one request, in process, against the same database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    for name, value in (cookies or {}).items():
        client.cookies[name] = value
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **kwargs)
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def session_for(user):
    """Sign in by creating the session directly: the sign-in form would be throttled by django-axes."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def thousands(number):
    return f"{number:,.0f}".replace(",", "\u202f")


def decimal(number, digits=1):
    return f"{number:.{digits}f}".replace(".", ",")


WHO = {
    "anonymous": "anonyme",
    "revelateur": "révélateur TAg35",
    "collectivite": "collectivité (Rennes Métropole)",
    "avise": "Avise",
    "admin": "administrateur",
}


def ms(seconds):
    return thousands(seconds * 1000)


def mb(kilobytes):
    return f"{kilobytes / 1024:,.0f}".replace(",", "\u202f")


def mark(ok):
    return "✓" if ok else "✗"


class Bench:
    def __init__(self, server):
        from django.contrib.auth.models import AnonymousUser

        from fabrique.models import User
        from fabrique.volume import VOLUME_ACCOUNTS

        self.server = server
        users = {user.email: user for user in User.objects.all()}
        self.users = {key: users[email] for key, (email, *_) in VOLUME_ACCOUNTS.items()}
        self.users["anonymous"] = AnonymousUser()
        self.cookies = {key: session_for(user) for key, user in self.users.items() if user.is_authenticated}
        self.cookies["anonymous"] = {}
        self.rows, self.stats_rows, self.file_rows = [], [], []

    def page(self, label, path, who, *, first_page=None):
        log(f"{label} ({who})…")
        timings, statuses = time_page(path, self.cookies[who])
        p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
        queries = count_queries(path, self.cookies[who])
        row = {"label": label, "path": path, "who": who, "p50": p50, "p99": p99, "n": len(timings)}
        row.update(statuses=statuses, queries=queries)
        if not self.rows:
            row["ok"] = statuses == {200}
            row["target"] = "vue nue"
        elif first_page:
            row["ok"] = statuses == {200} and p50 <= DEEP_RATIO * first_page["p50"] and p50 <= PAGE_RATIO * self.bare
            row["target"] = f"≤ {PAGE_RATIO} × vue nue, ≤ {decimal(DEEP_RATIO)} × 1re page"
        else:
            row["ok"] = statuses == {200} and p50 <= PAGE_RATIO * self.bare
            row["target"] = f"≤ {PAGE_RATIO} × vue nue"
        self.rows.append(row)
        return row

    @property
    def bare(self):
        return self.rows[0]["p50"]

    def change_something(self):
        """A small write through the models, as a révélateur would make it: qualify a detected need."""
        from needs.models import Need

        user = self.users["revelateur"]
        need = Need.objects.filter(structure=user.structure, status=Need.Status.DETECTED).order_by("pk").first()
        need.qualify(by=user, comment="Besoin confirmé (mesure de performance).")

    def statistics(self, label, path, who):
        log(f"{label} ({who})…")
        firsts = []
        for _ in range(3):
            self.change_something()
            status, elapsed = get(path, self.cookies[who])
            firsts.append((elapsed, status))
            if elapsed > BUDGET / 6:
                break
        timings, statuses = time_page(path, self.cookies[who])
        statuses |= {status for _, status in firsts}
        first = max(elapsed for elapsed, _ in firsts)
        p50, p95 = percentile(timings, 0.5), percentile(timings, 0.95)
        queries = count_queries(path, self.cookies[who])
        ok = statuses == {200} and p95 * 1000 < STATS_P95_MS and first * 1000 < STATS_FIRST_MS
        self.stats_rows.append(
            {"label": label, "path": path, "who": who, "p50": p50, "p95": p95, "first": first, "n": len(timings)}
            | {"statuses": statuses, "queries": queries, "ok": ok}
        )

    def measure_memory(self, send):
        """Run `send()` and return (its result, the largest growth of a worker's peak memory, in kB)."""
        pids = workers(self.server)
        before = {}
        for pid in pids:
            # Reset the peak (VmHWM) so that it reads this request's peak.
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            before[pid] = memory_kb(pid, "VmRSS")
        result = send()
        growth = max(memory_kb(pid, "VmHWM") - before[pid] for pid in pids)
        return result, growth

    def export(self, file_format, who="revelateur"):
        path = f"/besoins/export.{file_format}"
        log(f"Téléchargement {file_format} ({who})…")
        get(path, self.cookies[who])
        (status, elapsed, content, _), growth = self.measure_memory(lambda: request("GET", path, self.cookies[who]))
        rows = count_rows(file_format, content)
        limit = EXPORT_SECONDS[file_format]
        self.file_rows.append(
            {"label": f"Besoins en {file_format.upper()}", "who": who, "rows": rows, "seconds": elapsed}
            | {"growth": growth, "status": status, "queries": count_queries(path, self.cookies[who])}
            | {"target": f"< {limit} s, < {MEMORY_MB} Mo", "ok": status == 200 and elapsed < limit}
            | {"memory_ok": growth < MEMORY_MB * 1024}
        )
        return content

    def import_preview(self, exported_csv, rows=10_000, who="revelateur"):
        log("Aperçu d'import…")
        lines = exported_csv.decode("utf-8-sig").splitlines(keepends=True)
        data = "".join(lines[: rows + 1]).encode("utf-8-sig")
        cookies = dict(self.cookies[who])

        def send():
            status, _, content, headers = request("GET", "/import/", cookies)
            csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
            for name, value in headers:
                if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                    cookies["csrftoken"] = value.split(";")[0].split("=", 1)[1]
            boundary = uuid.uuid4().hex
            body = multipart(boundary, {"csrfmiddlewaretoken": csrf, "kind": "besoins"}, ("file", "besoins.csv", data))
            started = time.perf_counter()
            status, _, _, headers = request(
                "POST",
                "/import/",
                cookies,
                body,
                {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": f"http://127.0.0.1:{PORT}/"},
            )
            location = dict((name.lower(), value) for name, value in headers).get("location", "")
            if status == 302 and "/apercu/" in location:
                status, _, _, _ = request("GET", location, cookies)
            else:
                status = REFUSED
            return status, time.perf_counter() - started, location

        (status, elapsed, location), growth = self.measure_memory(send)
        self.file_rows.append(
            {"label": "Aperçu d'import (besoins, CSV)", "who": who, "rows": len(lines[: rows + 1]) - 1}
            | {"seconds": elapsed, "growth": growth, "status": status, "queries": None}
            | {"target": f"< {IMPORT_SECONDS} s, < {MEMORY_MB} Mo", "ok": status == 200 and elapsed < IMPORT_SECONDS}
            | {"memory_ok": growth < MEMORY_MB * 1024}
        )


def multipart(boundary, fields, file):
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    name, filename, data = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


def count_rows(file_format, content):
    if not content:
        return 0
    if file_format == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")) - 1
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return sum(1 for _ in sheet.iter_rows()) - 1


def run(server):
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count

    from needs.models import Need, Theme
    from partners.models import Organization
    from projects.models import Project
    from territories.models import Structure

    bench = Bench(server)
    revelateur = bench.users["revelateur"]

    def deep(count, per_page):
        return f"?page={max(1, math.ceil(count / per_page) - 1)}"

    public = Project.objects.visible_to(AnonymousUser()).count()
    shared = Project.objects.visible_to(revelateur).count()
    needs = Need.objects.visible_to(revelateur).count()
    bench.page("Vue nue (/sante/)", "/sante/", "anonymous")
    for who, count in [("anonymous", public), ("revelateur", shared)]:
        first = bench.page("Catalogue des projets", "/projets/", who)
        bench.page("Catalogue, page profonde", "/projets/" + deep(count, 20), who, first_page=first)
    first = bench.page("Liste des besoins", "/besoins/", "revelateur")
    bench.page("Besoins, page profonde", "/besoins/" + deep(needs, 25), "revelateur", first_page=first)
    bench.page("Activités créées", "/projets/activites/", "revelateur")
    bench.page("Annuaire des partenaires", "/partenaires/", "revelateur")
    bench.page("Accueil", "/", "anonymous")
    bench.page("Tableau de bord", "/", "revelateur")
    bench.page("Accueil de la collectivité", "/", "collectivite")
    bench.page("Département 35", "/territoires/35/", "anonymous")
    bench.page("Carnet à imprimer", "/projets/carnet/", "anonymous")
    bench.page("Sitemap", "/sitemap.xml", "anonymous")
    project = Project.objects.visible_to(AnonymousUser()).filter(stage=Project.Stage.LAUNCHED).order_by("pk").first()
    bench.page("Fiche d'un projet", project.get_absolute_url(), "anonymous")
    bench.page("Fiche d'un projet (Avise)", project.get_absolute_url(), "avise")
    need = Need.objects.visible_to(revelateur).filter(status=Need.Status.IN_STUDY).order_by("pk").first()
    bench.page("Fiche d'un besoin", need.get_absolute_url(), "revelateur")
    busiest = Organization.objects.annotate(n=Count("involvements")).order_by("-n", "pk").first()
    bench.page(f"Fiche d'une organisation ({busiest.n} implications)", busiest.get_absolute_url(), "revelateur")
    for model in ["needs/need", "projects/project", "projects/activity", "partners/organization"]:
        bench.page(f"Administration : {model}", f"/admin/{model}/", "avise")
    for model in ["partners/involvement", "projects/copildecision"]:
        bench.page(f"Administration : {model}", f"/admin/{model}/", "avise")

    this_year = datetime.date.today().year
    tag35 = Structure.objects.get(name="TAg35")
    theme = Theme.objects.annotate(n=Count("projects")).order_by("-n").first()
    bench.statistics("Statistiques du réseau", "/admin/statistiques/", "avise")
    bench.statistics("Statistiques, département 35", "/admin/statistiques/?department=35", "avise")
    bench.statistics("Statistiques, structure TAg35", f"/admin/statistiques/?structure={tag35.pk}", "avise")
    bench.statistics(f"Statistiques, thème {theme.name}", f"/admin/statistiques/?theme={theme.pk}", "avise")
    span = f"?year_from={this_year - 9}&year_to={this_year}"
    bench.statistics("Statistiques, dix ans", "/admin/statistiques/" + span, "avise")
    bench.statistics("Statistiques de la structure", "/statistiques/", "revelateur")
    bench.statistics("Statistiques de la collectivité", "/statistiques/", "collectivite")

    exported = bench.export("csv")
    bench.export("xlsx")
    bench.import_preview(exported)
    return bench


def volume_line():
    from needs.models import Need, NeedEvent
    from partners.models import Involvement, Organization
    from projects.models import Activity, Project, ProjectEvent

    shared = Project.objects.exclude(visibility=Project.Visibility.INTERNAL).count()
    counts = [
        ("besoins", Need.objects.count()),
        ("projets", Project.objects.count()),
        ("dont publics ou partagés", shared),
        ("lignes d'historique", NeedEvent.objects.count() + ProjectEvent.objects.count()),
        ("activités", Activity.objects.count()),
        ("organisations", Organization.objects.count()),
        ("implications", Involvement.objects.count()),
    ]
    return ", ".join(f"{thousands(count)} {name}" for name, count in counts)


def report(bench, elapsed):
    from django.db import connection

    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    lines = [
        f"Mesuré le {datetime.datetime.now():%d/%m/%Y à %H:%M}, commit `{commit.stdout.strip()}`, "
        f"par `make bench` (BENCH_N={N}, BENCH_WARMUP={WARMUP}, BENCH_BUDGET={BUDGET:g}), en {elapsed / 60:.0f} min.",
        f"Machine : {os.cpu_count()} cœurs, {memory} Go de mémoire, {platform.system()} {platform.release()}, "
        f"PostgreSQL {postgres}, gunicorn 2 workers, réglages de production (DEBUG=false).",
        f"Données : {volume_line()}.",
        "",
        "Pages : requêtes successives, après échauffement ; « × vue nue » est le rapport des médianes (p50) à celle "
        "de `/sante/` ; les requêtes SQL sont comptées à part, dans le processus, sur la même base.",
        "",
        "| page | adresse | compte | statut | p50 (ms) | p99 (ms) | × vue nue | requêtes SQL | cible | |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for row in bench.rows:
        ratio = row["p50"] / bench.bare
        lines.append(
            f"| {row['label']} | `{row['path']}` | {WHO[row['who']]} | {status_text(row['statuses'])} "
            f"| {ms(row['p50'])} "
            f"| {ms(row['p99'])} | {decimal(ratio)} | {row['queries']} | {row['target']} | {mark(row['ok'])} |"
        )
    lines += [
        "",
        f"Statistiques : p50 et p95 une fois chaudes ; « après modification » : la première requête après une "
        f"modification faite par les modèles (un besoin qualifié), la plus lente de trois. Cible : p95 < "
        f"{STATS_P95_MS} ms, après modification < {STATS_FIRST_MS / 1000:g} s, jamais d'expiration.",
        "",
        "| page | adresse | compte | statut | p50 (ms) | p95 (ms) | après modification (ms) | requêtes SQL | |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in bench.stats_rows:
        lines.append(
            f"| {row['label']} | `{row['path']}` | {WHO[row['who']]} | {status_text(row['statuses'])} "
            f"| {ms(row['p50'])} "
            f"| {ms(row['p95'])} | {ms(row['first'])} | {row['queries']} | {mark(row['ok'])} |"
        )
    lines += [
        "",
        "Téléchargements et import : une requête chaude ; mémoire : la plus forte croissance du pic de mémoire "
        "(VmHWM) d'un worker pendant la requête.",
        "",
        "| opération | compte | lignes | statut | durée (s) | croissance mémoire (Mo) | requêtes SQL | cible | |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in bench.file_rows:
        queries = "" if row["queries"] is None else row["queries"]
        lines.append(
            f"| {row['label']} | {WHO[row['who']]} | {thousands(row['rows'])} | {status_text({row['status']})} "
            f"| {decimal(row['seconds'])} "
            f"| {mb(row['growth'])} | {queries} | {row['target']} | {mark(row['ok'] and row['memory_ok'])} |"
        )
    return "\n".join(lines)


def status_text(statuses):
    labels = {TIMED_OUT: "expiré", REFUSED: "fichier refusé"}
    return ", ".join(labels.get(status, str(status)) for status in sorted(statuses))


def write(table):
    print(table)
    block = f"{START}\n{table}\n{END}"
    text = OUTPUT.read_text() if OUTPUT.exists() else ""
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
    else:
        text = f"# Mesures de performance\n\n{block}\n" if not text else f"{text}\n{block}\n"
    OUTPUT.write_text(text)
    log(f"Tableau écrit dans {OUTPUT}.")


def main():
    import django

    started = time.monotonic()
    django.setup()
    prepare_database()
    server = start_server()
    try:
        bench = run(server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    write(report(bench, time.monotonic() - started))


if __name__ == "__main__":
    main()
