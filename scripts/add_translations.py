"""Append English translations to the catalogue from a JSON object ``{msgid: msgstr}``, or
take out the entries no source uses any more.

Usage: ``.venv/bin/python scripts/add_translations.py FILE.json``; msgids already present are
skipped, so running it twice changes nothing. ``... --remove FILE.txt`` (one msgid per line)
removes those entries — the translation test names them when a string is reworded.
"""

from __future__ import annotations

import json
import re
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


def remove(path: str) -> None:
    """Drop the entries of these msgids (single-line ``msgid``/``msgstr`` blocks, with the
    comment lines just above them)."""
    wanted = [line for line in Path(path).read_text(encoding="utf-8").splitlines() if line]
    current = PO.read_text(encoding="utf-8")
    removed = 0
    for msgid in wanted:
        pattern = re.compile(
            r"\n(?:#[^\n]*\n)*msgid " + re.escape(quote(msgid)) + r"\nmsgstr \"(?:[^\"\\]|\\.)*\"\n"
        )
        current, n = pattern.subn("\n", current, count=1)
        removed += n
    PO.write_text(current, encoding="utf-8")
    print(f"{removed} translation(s) removed")


if __name__ == "__main__":
    if sys.argv[1] == "--remove":
        remove(sys.argv[2])
    else:
        main(sys.argv[1])
