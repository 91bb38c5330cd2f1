"""Every file the app writes that holds a secret or the users' data is its owner's only.

Reflex keeps each browser session's state on disk (``StateManagerDisk``, ``.states/`` by
default, in development and in the Dockerfile's ``--env prod`` alike), and that state holds the
session's token; the data directory holds the JWT key, the catalog and the photos. A process
started with the usual umask 022 wrote them 0644 in 0755 directories: anyone on the machine
could read a session token. The test starts the app module in a process of its own (umask 022,
the state directory and the data directory left 0755/0644 by an older version), signs in
through the real handler on the app's own state manager, uploads a photo, and stats the files.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.security.support import PASSWORD, PHOTO

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, json, os, sys
import reflex as rx
from reflex.istate.manager.token import BaseStateToken

import rdrive_app.rdrive_app as module
from rdrive_app.services.wiring import get_services
from rdrive_app.ui.state.signin import SignInState

services = get_services()
services.accounts.add_user("alice", sys.argv[1])
services.folders.create_folder("/trip")
with open(sys.argv[2], "rb") as photo:
    services.uploads.upload_stream("alice", "/trip", "a.jpg", photo, os.path.getsize(sys.argv[2]),
                                   "image/jpeg")
services.processing.shutdown()


async def main():
    manager = module.app.state_manager
    token = BaseStateToken(ident="browser-tab-1", cls=rx.State)
    async with manager.modify_state(token) as root:
        signin = await root.get_state(SignInState)
        sign_in = SignInState.event_handlers["sign_in"].fn
        out = sign_in(signin, {"username": "alice", "password": sys.argv[1]})
        if hasattr(out, "__aiter__"):
            [_ async for _ in out]
        elif hasattr(out, "__await__"):
            await out
        session_token = signin._token
    await manager.close()
    print(json.dumps({"token": session_token, "states": str(manager.states_directory)}))


asyncio.run(main())
"""


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_session_state_keys_and_data_are_owner_only(tmp_path: Path) -> None:
    states, data = tmp_path / "states", tmp_path / "data"
    for old_dir in (states, data):  # as an older version left them
        old_dir.mkdir(mode=0o755)
        old_dir.chmod(0o755)
    old_state = states / "0123456789abcdef0123456789abcdef.pkl"
    old_state.write_bytes(b"an older session")
    old_state.chmod(0o644)
    env = {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_STATES_WORKDIR": str(states),
        "RDRIVE_DATA_DIR": str(data),
        "RDRIVE_BCRYPT_ROUNDS": "4",
    }  # no RDRIVE_JWT_SECRET: the key is generated into the data directory
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, PASSWORD, str(PHOTO)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        preexec_fn=lambda: os.umask(0o022),  # the usual umask, whatever pytest's is
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(result["states"]) == states
    session_token = result["token"].encode()
    assert session_token

    written = [p for p in states.iterdir() if p.suffix == ".pkl" and p != old_state]
    assert any(session_token in p.read_bytes() for p in written), "the token is in a state file"
    assert (data / "jwt_secret").is_file() and (data / "catalog.sqlite3").is_file()
    blobs = [p for p in (data / "blobs").rglob("*") if p.is_file()]
    assert blobs, "the photo was stored"
    report = {str(p.relative_to(tmp_path)): oct(_mode(p)) for p in [states, data, *written]}
    print("\n" + json.dumps(report, indent=1))
    for directory in (states, data, *[p for p in (data / "blobs").rglob("*") if p.is_dir()]):
        assert _mode(directory) == 0o700, (directory, oct(_mode(directory)))
    for file in (*written, old_state, *data.iterdir(), *blobs):
        if file.is_file():
            assert _mode(file) == 0o600, (file, oct(_mode(file)))
