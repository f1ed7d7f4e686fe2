"""Append English translations to the catalogue from a JSON object ``{msgid: msgstr}``.

Usage: ``.venv/bin/python scripts/add_translations.py FILE.json``; msgids already present are
skipped, so running it twice changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "app/translations/en/LC_MESSAGES/messages.po"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main(path: str) -> None:
    pairs = json.loads(Path(path).read_text(encoding="utf-8"))
    current = PO.read_text(encoding="utf-8")
    blocks = []
    for msgid, msgstr in pairs.items():
        if f"msgid {quote(msgid)}\n" in current:
            continue
        blocks.append(f"\nmsgid {quote(msgid)}\nmsgstr {quote(msgstr)}\n")
    PO.write_text(current.rstrip("\n") + "\n" + "".join(blocks), encoding="utf-8")
    print(f"{len(blocks)} translation(s) added")


if __name__ == "__main__":
    main(sys.argv[1])
