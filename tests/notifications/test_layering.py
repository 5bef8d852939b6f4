import ast
from pathlib import Path

import pytest
from django.conf import settings

BELOW_NOTIFICATIONS = ["fabrique", "territories", "needs", "projects", "partners", "reports", "imports"]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


@pytest.mark.parametrize("app", BELOW_NOTIFICATIONS)
def test_the_apps_below_the_notifications_do_not_import_them(app):
    # fabrique's URLs route « Mon compte », a page of the notifications: the one import allowed, by the project root.
    allowed = {Path(settings.BASE_DIR) / "fabrique" / "accounts_urls.py"}
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py")
        if path not in allowed and any(module.split(".")[0] == "notifications" for module in imported_modules(path))
    ]

    assert offenders == []
