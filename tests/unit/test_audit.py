"""`make audit`'s offline check (tools/audit.py) on synthetic OSV records."""

import sys

import pytest

from tools.audit import FOUND, NPM, OK, PYPI, Package, iter_records, main, match

RECORDS = """
id: TEST-LISTED
affected:
- package: {name: Demo_Pkg, ecosystem: PyPI}
  versions: ["1.10"]
---
id: TEST-FIXED
aliases: [CVE-0000-1]
affected:
- package: {name: demo-pkg, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0"}, {fixed: 1.2.0}]
---
id: TEST-LAST
affected:
- package: {name: left-pad, ecosystem: npm}
  ranges:
  - type: SEMVER
    events: [{introduced: 2.0.0-rc.1}, {last_affected: 2.3.0}]
"""


@pytest.fixture
def db(tmp_path):
    for n, text in enumerate(RECORDS.split("---")):
        (tmp_path / f"r{n}.yaml").write_text(text)
    return tmp_path


def found(db, ecosystem, name, version):
    return sorted(f.id for f in match(iter_records(db), [Package(ecosystem, name, version)]))


@pytest.mark.parametrize(
    ("ecosystem", "name", "version", "ids"),
    [
        (PYPI, "demo-pkg", "1.10", ["TEST-LISTED"]),  # listed; and past the fix, 1.10 > 1.2
        (PYPI, "DEMO.pkg", "1.1", ["TEST-FIXED"]),  # 1.1 is not the listed "1.10"
        (PYPI, "demo-pkg", "1.2.0", []),  # the fixed version itself
        (PYPI, "demo-pkg", "1.2.1", []),
        (NPM, "left-pad", "1.9.9", []),
        (NPM, "left-pad", "2.0.0-beta.3", []),  # before the introducing pre-release
        (NPM, "left-pad", "2.0.0-rc.2", ["TEST-LAST"]),
        (NPM, "left-pad", "2.3.0", ["TEST-LAST"]),  # last_affected is inclusive
        (NPM, "left-pad", "2.3.1", []),
        (PYPI, "left-pad", "2.1.0", []),  # same name, other ecosystem
    ],
)
def test_osv_events_and_versions(db, ecosystem, name, version, ids):
    assert found(db, ecosystem, name, version) == ids


def test_exit_status_follows_the_ignore_file(tmp_path, capsys):
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "pytest.yaml").write_text(
        "id: TEST-PYTEST\naffected:\n- package: {name: pytest, ecosystem: PyPI}\n"
        "  ranges: [{type: ECOSYSTEM, events: [{introduced: '0'}]}]\n"
    )
    ignore = tmp_path / "ignore.toml"
    args = ["--offline", "--python", sys.executable, "--db", str(tmp_path / "db")]
    assert main([*args, "--ignore", str(ignore)]) == FOUND
    assert "TEST-PYTEST" in capsys.readouterr().out
    ignore.write_text('[[ignore]]\nid = "TEST-PYTEST"\npackage = "pytest"\nreason = "a test"\n')
    assert main([*args, "--ignore", str(ignore)]) == OK
