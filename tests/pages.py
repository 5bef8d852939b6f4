"""Read a page as a browser shows it: the text a person reads, and what its forms submit."""

import re
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, action):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.values = []
        self.textarea = self.select = None
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        if not self.inside or "disabled" in attrs:
            return
        if tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self.values.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.values.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # The HTML parser drops one newline right after <textarea>; browsers do the same.
            self.values.append((name, text[1:] if text.startswith("\n") else text))
            self.textarea = None
        elif tag == "select":
            self.select = None


def form_values(response, action):
    """Return the values the form posting to `action` would send, as a dict of lists (several for checkboxes)."""
    reader = _FormReader(action)
    reader.feed(response.content.decode())
    values = {}
    for name, value in reader.values:
        values.setdefault(name, []).append(value)
    assert values, f"No form posts to {action} on this page."
    return values


class _TextReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipped = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skipped += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skipped -= 1

    def handle_data(self, data):
        if not self.skipped:
            self.parts.append(data)


def page_text(response):
    """Return the text a person reads on the page: tags left out, runs of spaces and line breaks as one space
    (no-break spaces stay as they are)."""
    reader = _TextReader()
    reader.feed(response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", "".join(reader.parts))
