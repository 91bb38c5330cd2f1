"""The `make lint` guard really refuses a long module (so the rule cannot rot silently)."""

from __future__ import annotations

from pathlib import Path

from tools.architecture_guard import long_modules, main


def test_a_module_over_the_limit_is_named(tmp_path: Path) -> None:
    (tmp_path / "short.py").write_text("x = 1\n" * 400)
    (tmp_path / "long.py").write_text("x = 1\n" * 401)
    assert long_modules(tmp_path, 400) == [(tmp_path / "long.py", 401)]


def test_the_guard_fails_on_a_long_module(tmp_path: Path, capsys) -> None:
    (tmp_path / "long.py").write_text("x = 1\n" * 401)
    assert main(["--root", str(tmp_path), "--max-duplicates", "1000"]) == 1
    assert "long.py: 401 lines" in capsys.readouterr().out


def test_the_project_keeps_every_module_within_the_limit() -> None:
    root = Path(__file__).resolve().parents[2] / "rdrive_app"
    assert long_modules(root, 400) == []
