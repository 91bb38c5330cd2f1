"""The cost model: within budget at the seed's workload, every price cited, README in sync;
what the opt-in WebDAV endpoint adds, against the shapes it could have taken."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from infra.cost import (
    BUDGET,
    PRICES,
    SEED,
    backend_shapes,
    bill,
    render,
    total,
    webdav_lines,
    webdav_shapes,
)
from tests.infra.conftest import REPO_ROOT


def test_seed_workload_fits_the_budget_including_the_backend() -> None:
    lines = bill(SEED)
    assert total(lines) <= BUDGET
    assert any(line.service == "EC2" and line.cost > 5 for line in lines)
    assert total(bill(SEED.times(10))) > total(lines)


def test_every_unit_price_cites_an_aws_pricing_page() -> None:
    for name, price in PRICES.items():
        assert price.source.startswith("https://aws.amazon.com/"), name
        assert "pricing" in price.source, name


def test_the_chosen_backend_shape_is_the_cheapest_robust_one() -> None:
    shapes = backend_shapes()
    chosen = next(dollars for name, dollars, _ in shapes if "[chosen]" in name)
    alternatives = [d for name, d, _ in shapes if "[chosen]" not in name and "nano" not in name]
    assert chosen < min(alternatives)


def test_module_prints_the_tables_and_the_readme_shows_the_seed_bill() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infra.cost"], capture_output=True, text=True, check=True,
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert "$6.28" in result.stdout
    assert "Ten times" in result.stdout
    assert render(bill(SEED)) in (REPO_ROOT / "README.md").read_text()


def test_webdav_is_opt_in_and_its_cost_is_its_own_lines() -> None:
    base, with_dav = bill(SEED), bill(SEED, webdav=True)
    assert with_dav[: len(base)] == base
    added = with_dav[len(base) :]
    assert added == webdav_lines(SEED)
    assert {line.service for line in added} >= {"EC2", "VPC", "Route 53"}
    ipv4 = next(line for line in added if line.price is PRICES["ipv4"])
    assert ipv4.quantity == 730  # one Elastic IP, all month
    assert 5 < total(added) < BUDGET
    assert total(bill(SEED.times(10), webdav=True)) > total(with_dav)


def test_the_chosen_webdav_shape_is_the_cheapest_that_keeps_the_backend_private() -> None:
    shapes = {name: dollars for name, dollars, _ in webdav_shapes()}
    [chosen] = [name for name in shapes if "[chosen]" in name]
    private = [n for n in shapes if "[chosen]" not in n and "on the backend instance" not in n]
    assert {"ALB", "NLB"} <= {n.split()[0] for n in private}
    assert shapes[chosen] < min(shapes[n] for n in private)
    assert shapes[chosen] == pytest.approx(total(webdav_lines(replace(SEED, webdav_out_gb=0))))


def test_module_prints_what_webdav_adds_and_the_readme_shows_it() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infra.cost"], capture_output=True, text=True, check=True,
        cwd=REPO_ROOT,
    )  # fmt: skip
    assert "What the WebDAV endpoint adds" in result.stdout
    dav = render(webdav_lines(SEED))
    assert dav in result.stdout
    readme = (REPO_ROOT / "README.md").read_text()
    assert dav in readme
    assert f"${total(bill(SEED, webdav=True)):.2f}" in readme
