"""The production serving settings (``deploy/gunicorn.conf.py``): both process groups load in
gunicorn itself, with the worker class, threads and timeouts the README documents."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _settings(monkeypatch: pytest.MonkeyPatch, group: str | None) -> dict[str, object]:
    if group is None:
        monkeypatch.delenv("VIGIE_GUNICORN_GROUP", raising=False)
    else:
        monkeypatch.setenv("VIGIE_GUNICORN_GROUP", group)
    return runpy.run_path(str(CONFIG))


def test_two_groups_web_by_default_and_an_unknown_one_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web = _settings(monkeypatch, None)
    api = _settings(monkeypatch, "api")
    for found in (web, api):
        assert found["worker_class"] == "gthread"
        assert found["wsgi_app"] == "app:create_app()"
        assert found["max_requests"] and found["max_requests_jitter"]
    assert web["bind"] != api["bind"]
    assert (web["workers"], web["threads"]) == (4, 4)
    # batches are long: the API's timeout is the longer one
    assert int(str(api["timeout"])) > int(str(web["timeout"]))
    monkeypatch.setenv("VIGIE_GUNICORN_WORKERS", "7")
    assert _settings(monkeypatch, "api")["workers"] == 7
    with pytest.raises(SystemExit, match="attendu"):
        _settings(monkeypatch, "batch")


def test_gunicorn_loads_the_config_and_the_app(tmp_path: Path) -> None:
    """``--print-config`` is gunicorn's own reading of the file, then it loads the app."""
    env = {
        **os.environ,
        "VIGIE_GUNICORN_GROUP": "api",
        "VIGIE_DATABASE_URL": f"sqlite:///{tmp_path / 'vigie.db'}",
        "VIGIE_INSTANCE_DIR": str(tmp_path),
        "VIGIE_SECRET_KEY": "serving-test-secret-0123456789abcdef0123",
    }
    env.pop("VIGIE_DEMO", None)
    done = subprocess.run(
        [str(GUNICORN), "--print-config", "-c", str(CONFIG)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=CONFIG.parent.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    resolved = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in done.stdout.splitlines())
        if value
    )
    assert resolved["worker_class"] == "gthread"
    assert resolved["bind"] == "['127.0.0.1:8001']"
    assert resolved["threads"] == "2"
    assert resolved["timeout"] == "120"
    assert resolved["graceful_timeout"] == "30"
    assert resolved["keepalive"] == "5"
    assert resolved["proc_name"] == "vigie-api"
    # the two groups run side by side: no shared per-user control socket
    assert resolved["control_socket_disable"] == "True"
