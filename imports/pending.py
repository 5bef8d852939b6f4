"""Where the uploaded files wait between their preview and their confirmation, and how the forgotten ones go.

A pending file is stored in the private storage as `imports/<user's id>/<random token>`; nothing else is ever
written under `imports/`, and the clearing below deletes nothing that does not look like one of these files.
"""

import re

from projects.models import private_storage

PENDING_FOLDER = "imports"
USER_FOLDER = re.compile(r"^\d+$")
# secrets.token_urlsafe(), possibly followed by the suffix the storage adds to a name already taken.
TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")


def pending_path(user, token):
    return f"{PENDING_FOLDER}/{user.pk}/{token}"


def pending_files():
    """Yield the path of every pending file in the private storage."""
    try:
        folders, _files = private_storage.listdir(PENDING_FOLDER)
    except FileNotFoundError:
        return
    for folder in sorted(folders):
        if not USER_FOLDER.match(folder):
            continue
        for name in sorted(private_storage.listdir(f"{PENDING_FOLDER}/{folder}")[1]):
            if TOKEN.match(name):
                yield f"{PENDING_FOLDER}/{folder}/{name}"


def clear_pending_files(older_than):
    """Delete the pending files last written before the moment `older_than`; return how many were deleted."""
    deleted = 0
    for path in pending_files():
        if private_storage.get_modified_time(path) < older_than:
            private_storage.delete(path)
            deleted += 1
    return deleted
