"""Print the Vigie msgids without an English translation, as a JSON list (for translating).

Usage: ``.venv/bin/python scripts/missing_translations.py`` from the project root.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_translations import EN_PO, _load, _translated, vigie_msgids

english = _translated(_load(EN_PO))
print(
    json.dumps(sorted(m for m in vigie_msgids() if m not in english), ensure_ascii=False, indent=1)
)
