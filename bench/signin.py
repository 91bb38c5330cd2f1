"""What a second factor adds to signing in, over the HTTP API in process (the app's own routes,
bcrypt at its deployed 12 rounds).

Baseline: a password sign-in of an account without codes (``POST /api/auth/login`` → token).
Measured: the same account's sign-in with two-factor codes on, both steps (the login answers a
challenge, ``POST /api/auth/login/second-factor`` with a code answers the token), and the second
step alone. Goal: one extra request, costing little beside the password's bcrypt (the step
alone at most a quarter of a password sign-in). The clock the codes are checked against is
moved on a step (30 s) per sign-in, since a code is accepted once.
"""

from __future__ import annotations

import statistics
import time

import pyotp
from fastapi.testclient import TestClient

from bench.common import Figure, at_most, scratch
from rdrive_app.api import create_api
from rdrive_app.core.settings import Settings
from rdrive_app.services import second_factor
from rdrive_app.services.wiring import build_services

RUNS = 15
PASSWORD = "bench sign-in passphrase"  # noqa: S105 (a bench account's)


def run(runs: int = RUNS) -> list[Figure]:
    with scratch("signin") as tmp:
        settings = Settings(data_dir=tmp / "data", jwt_secret="b" * 48)  # 12 bcrypt rounds
        services = build_services(settings)
        for name in ("plain", "coded"):
            services.accounts.add_user(name, PASSWORD)
        coded = services.storage.catalog.get_user("coded")
        secret = services.accounts.second_factors.start_totp(coded).secret
        services.accounts.second_factors.confirm_totp(coded, pyotp.TOTP(secret).now())
        clock = [time.time()]
        real_step = second_factor.accepted_step
        second_factor.accepted_step = lambda secret, code, last, now=None: real_step(
            secret, code, last, clock[0]
        )
        try:
            with TestClient(create_api(services)) as client:
                password, both, second = [], [], []
                for _ in range(runs):
                    t0 = time.perf_counter()
                    login(client, "plain").json()["access_token"]
                    password.append(time.perf_counter() - t0)
                    clock[0] += 30
                    t0 = time.perf_counter()
                    challenge = login(client, "coded").json()["challenge_token"]
                    t1 = time.perf_counter()
                    body = {"challenge_token": challenge, "code": pyotp.TOTP(secret).at(clock[0])}
                    answer = client.post("/api/auth/login/second-factor", json=body)
                    assert answer.status_code == 200, answer.text
                    t2 = time.perf_counter()
                    both.append(t2 - t0)
                    second.append(t2 - t1)
        finally:
            second_factor.accepted_step = real_step
            services.processing.shutdown(wait=False)
    p, b, s = (statistics.median(x) for x in (password, both, second))
    return [
        at_most(
            "TOTP sign-in (both steps) vs a password sign-in",
            b / p,
            1.25,
            f"{b * 1000:.0f} ms vs {p * 1000:.0f} ms (median of {runs}); 2 requests vs 1",
        ),
        at_most(
            "the code step alone vs a password sign-in",
            s / p,
            0.25,
            f"{s * 1000:.1f} ms vs {p * 1000:.0f} ms",
        ),
    ]


def login(client: TestClient, name: str):
    answer = client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return answer


if __name__ == "__main__":
    from bench.common import print_figures

    print_figures(run())
