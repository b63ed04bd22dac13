"""Read the fields of the HTML forms of a page, as a browser would submit them (stdlib only).

Used by the load benchmarks and by the fuzz tests to post forms with the page's own field names.
"""

from __future__ import annotations

from html.parser import HTMLParser


class FormParser(HTMLParser):
    """Collect the fields of the forms of a page: {action: {name: value}} (checked boxes only)."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = self.forms.setdefault(a.get("action") or "", {})
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") in ("submit", "file"):
                return
            self._form[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self._form[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._form[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> dict[str, dict[str, str]]:
    """The forms of a page: {action: {name: value}} (checked boxes and selected options only)."""
    parser = FormParser()
    parser.feed(html)
    return parser.forms
