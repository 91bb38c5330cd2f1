"""The cost model: within budget at the seed's workload, every price cited, README in sync."""

from __future__ import annotations

import subprocess
import sys

from infra.cost import BUDGET, PRICES, SEED, backend_shapes, bill, render, total
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
