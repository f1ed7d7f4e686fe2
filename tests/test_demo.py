"""The demo town loads deterministically into an empty database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _vigie(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(Path(sys.executable).with_name("vigie")), *args], env=env,
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_demo_load_is_deterministic_and_refuses_twice(tmp_path) -> None:
    outputs = []
    for run in ("a", "b"):
        env = {**os.environ, "VIGIE_DEMO": "1", "VIGIE_INSTANCE_DIR": str(tmp_path / run),
               "VIGIE_DATABASE_URL": f"sqlite:///{tmp_path}/{run}.sqlite3",
               "VIGIE_ADMIN_PASSWORD": "admin-mot-de-passe"}
        assert _vigie("db", "upgrade", env=env).returncode == 0
        loaded = _vigie("demo", "load", env=env)
        assert loaded.returncode == 0, loaded.stderr
        outputs.append(loaded.stdout.split(" : ", 1)[1])
        skipped = _vigie("demo", "load", "--if-empty", env=env)
        assert skipped.returncode == 0 and "déjà" in skipped.stdout
    assert outputs[0] == outputs[1]
    assert "services" in outputs[0]


def test_demo_accounts_cover_every_role() -> None:
    from app.demo.people import DEMO_ACCOUNTS
    from app.security.roles import ROLE_CODES

    roles = {account.role for account in DEMO_ACCOUNTS}
    assert set(ROLE_CODES) - {"admin"} <= roles
