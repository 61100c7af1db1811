"""Every message of the web pages has its Vietnamese translation (msgids are English in the code)."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from engine.config import PROJECT_ROOT

WEBUI = PROJECT_ROOT / "webui"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def source_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(WEBUI), METHODS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_vietnamese_catalogue_covers_every_message() -> None:
    with (WEBUI / "translations" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="vi")
    translated = {(m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalog
                  if m.id and m.string and all(m.string) and not m.fuzzy}
    missing = sorted(source_messages() - translated)
    assert missing == [], f"add these to webui/translations/vi (see babel.cfg): {missing}"
    assert not catalog.fuzzy
