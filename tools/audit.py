"""`make audit`: known vulnerabilities in what rDrive installs (the venv, bun, Reflex's frontend).

Online first: pip-audit (PyPI's advisory service) for the venv, and `npm audit` / `bun audit` (the
npm registry's advisory endpoint) for `.tools` and `.web`. Whatever those cannot audit is said so
and checked against local copies of OSV advisory databases instead (``--db``, repeatable): a
checkout or bare git directory of pypa/advisory-database or github/advisory-database, a directory
of OSV YAML/JSON records, or an OSV zip dump.

Exit status: 0 when every package was audited and nothing was found outside the ignore file
(tools/audit-ignore.toml, one reason per id); 1 when something was; 2 when nothing was but some
packages could not be audited at all.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PYPI, NPM = "PyPI", "npm"
RECORD_SUFFIXES = (".json", ".yaml", ".yml")
GHSA = re.compile(r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}")
OK, FOUND, INCOMPLETE = 0, 1, 2
YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass(frozen=True)
class Package:
    ecosystem: str
    name: str
    version: str

    @property
    def key(self) -> tuple[str, str]:
        return self.ecosystem, package_key(self.ecosystem, self.name)


@dataclass(frozen=True)
class Finding:
    package: Package
    id: str
    aliases: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    summary: str = ""

    def ids(self) -> set[str]:
        return {self.id, *self.aliases}


def package_key(ecosystem: str, name: str) -> str:
    return canonicalize_name(name) if ecosystem == PYPI else name


# ---- OSV matching (https://ossf.github.io/osv-schema/#affectedranges) ----------------------------


def _semver_key(version: str) -> tuple | None:
    core, _, pre = version.strip().removeprefix("v").split("+", 1)[0].partition("-")
    parts = core.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    nums = tuple(int(p) for p in parts)
    if not pre:
        return (nums, 1, ())  # a release sorts after its pre-releases
    ids = tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in pre.split("."))
    return (nums, 0, ids)


def version_key(ecosystem: str, version: str):
    """An orderable key for a version of that ecosystem, or None when it cannot be parsed."""
    if ecosystem == PYPI:
        try:
            return Version(version)
        except InvalidVersion:
            return None
    return _semver_key(version)


def _in_range(events: Iterable[dict], ecosystem: str, mine) -> bool:
    keyed = []
    for event in events:
        for kind in ("introduced", "fixed", "last_affected"):
            if kind in event:
                value = str(event[kind])
                key = (0,) if value == "0" else (1, version_key(ecosystem, value))
                if key[-1] is not None:
                    keyed.append((key, kind))
    vulnerable = False
    for key, kind in sorted(keyed, key=lambda e: e[0]):
        if kind == "introduced":
            vulnerable = vulnerable or (1, mine) >= key
        elif (1, mine) > key or (kind == "fixed" and (1, mine) == key):
            vulnerable = False  # at or past a fix, or past the last affected version
    return vulnerable


def affects(affected: dict, ecosystem: str, version: str) -> bool:
    """Whether one OSV ``affected[]`` entry covers ``version`` (its ``versions`` or ``ranges``)."""
    mine = version_key(ecosystem, version)
    listed = affected.get("versions") or []
    if version in listed or (
        mine is not None and any(version_key(ecosystem, str(v)) == mine for v in listed)
    ):
        return True
    if mine is None:
        return False
    return any(
        _in_range(r.get("events") or [], ecosystem, mine)
        for r in affected.get("ranges") or []
        if r.get("type") in ("ECOSYSTEM", "SEMVER")
    )


def fixed_versions(affected: dict) -> list[str]:
    return [
        str(e["fixed"])
        for r in affected.get("ranges") or []
        for e in r.get("events") or []
        if "fixed" in e and r.get("type") in ("ECOSYSTEM", "SEMVER")
    ]


def match(records: Iterable[dict], packages: Iterable[Package]) -> list[Finding]:
    """Every (record, installed package) pair where the record's ``affected`` covers it."""
    wanted: dict[tuple[str, str], list[Package]] = {}
    for package in packages:
        wanted.setdefault(package.key, []).append(package)
    findings = []
    for record in records:
        if record.get("withdrawn"):
            continue
        for affected in record.get("affected") or []:
            pkg = affected.get("package") or {}
            ecosystem = str(pkg.get("ecosystem", "")).split(":")[0]
            for package in wanted.get(
                (ecosystem, package_key(ecosystem, str(pkg.get("name")))), []
            ):
                if affects(affected, ecosystem, package.version):
                    summary = record.get("summary") or (record.get("details") or "").strip()
                    findings.append(
                        Finding(
                            package,
                            str(record["id"]),
                            tuple(map(str, record.get("aliases") or [])),
                            tuple(fixed_versions(affected)),
                            " ".join(str(summary).split())[:110],
                        )
                    )
    return findings


# ---- advisory databases ----------------------------------------------------------------------


def _is_record_path(path: str) -> bool:
    parts = path.split("/")
    return (
        path.endswith(RECORD_SUFFIXES)
        and parts[0] != "triage"
        and not any(p.startswith(".") for p in parts)
    )


def _load_yaml(data: bytes) -> object:
    # BaseLoader builds no objects and keeps every scalar a string: version 1.10 stays "1.10"
    return yaml.load(data, Loader=YAML_LOADER)  # noqa: S506


def _parse(path: str, data: bytes) -> dict | None:
    try:
        record = json.loads(data) if path.endswith(".json") else _load_yaml(data)
    except (ValueError, yaml.YAMLError):
        return None
    return record if isinstance(record, dict) and "id" in record and "affected" in record else None


def _git_dir(path: Path) -> Path | None:
    if (path / "HEAD").is_file() and (path / "objects").is_dir():
        return path
    return path / ".git" if (path / ".git" / "HEAD").is_file() else None


def iter_records(path: Path) -> Iterator[dict]:
    """OSV records from a zip dump, a git directory (its HEAD commit) or a directory tree."""

    def parsed(items: Iterable[tuple[str, bytes]]) -> Iterator[dict]:
        for name, data in items:
            record = _parse(name, data)
            if record is not None:
                yield record

    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            yield from parsed((n, zf.read(n)) for n in zf.namelist() if _is_record_path(n))
    elif (git := _git_dir(path)) is not None:
        with (
            subprocess.Popen(
                ["git", f"--git-dir={git}", "archive", "--format=tar", "HEAD"],
                stdout=subprocess.PIPE,
            ) as proc,
            tarfile.open(fileobj=proc.stdout, mode="r|") as tar,
        ):
            for member in tar:
                if member.isfile() and _is_record_path(member.name):
                    yield from parsed([(member.name, tar.extractfile(member).read())])
        if proc.returncode:
            raise SystemExit(f"audit: `git archive` failed on {git}")
    elif path.is_dir():
        yield from parsed(
            (str(p.relative_to(path)), p.read_bytes())
            for p in sorted(path.rglob("*"))
            if p.is_file() and _is_record_path(str(p.relative_to(path)))
        )
    else:
        raise SystemExit(f"audit: no advisory database at {path}")


def describe_db(path: Path) -> str:
    git = _git_dir(path)
    if git is None:
        return str(path)
    head = subprocess.run(
        ["git", f"--git-dir={git}", "log", "-1", "--format=%H %cI"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    return f"{path} (commit {head[0][:12]} of {head[1][:10]})" if len(head) == 2 else str(path)


# ---- what is installed -----------------------------------------------------------------------


def python_packages(python: str) -> list[Package]:
    out = subprocess.run(
        [
            python,
            "-m",
            "pip",
            "list",
            "--format",
            "json",
            "--exclude-editable",
            "--disable-pip-version-check",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [Package(PYPI, d["name"], d["version"]) for d in json.loads(out.stdout)]


def node_packages(root: Path) -> list[Package]:
    """Every package under root/node_modules (nested and scoped ones too), as installed."""
    found, stack = set(), [root / "node_modules"]
    while stack:
        modules = stack.pop()
        if not modules.is_dir():
            continue
        for entry in modules.iterdir():
            if entry.name.startswith(".") or not entry.is_dir():
                continue
            for pkg_dir in sorted(entry.iterdir()) if entry.name.startswith("@") else [entry]:
                try:
                    meta = json.loads((pkg_dir / "package.json").read_text())
                    found.add(Package(NPM, meta["name"], meta["version"]))
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                stack.append(pkg_dir / "node_modules")
    return sorted(found, key=lambda p: (p.name, p.version))


# ---- online services -------------------------------------------------------------------------


def pip_audit(python: str) -> tuple[list[Finding] | None, str]:
    """pip-audit's findings, or None (and why) when it could not audit every distribution."""
    exe = Path(python).parent / "pip-audit"
    proc = subprocess.run(
        [str(exe), "--local", "--skip-editable", "--format", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    try:
        deps = json.loads(proc.stdout)["dependencies"]
    except (ValueError, KeyError, TypeError):
        lines = proc.stderr.strip().splitlines() or ["no output"]
        return None, lines[-1][:200]
    skipped = [d for d in deps if "skip_reason" in d and "editable" not in d["skip_reason"]]
    if skipped:
        return None, (
            f"{len(skipped)} of {len(deps)} distributions not audited, e.g. "
            f"{skipped[0]['skip_reason'][:120]!r}"
        )
    return [
        Finding(
            Package(PYPI, d["name"], d["version"]),
            v["id"],
            tuple(v.get("aliases", ())),
            tuple(v.get("fix_versions", ())),
            " ".join(v.get("description", "").split())[:110],
        )
        for d in deps
        for v in d.get("vulns", ())
    ], f"{len(deps)} distributions audited"


def node_audit(root: Path, bun: str | None) -> tuple[set[str] | None, str]:
    """GHSA ids that `npm audit` (package-lock.json) or `bun audit` (bun.lock) reports, or None."""
    if (root / "package-lock.json").is_file():
        cmd, name = ["npm", "audit", "--json"], "npm audit"
    elif (root / "bun.lock").is_file() and bun:
        cmd, name = [str(Path(bun).resolve()), "audit", "--json"], "bun audit"
    else:
        return None, "no package-lock.json or bun.lock to audit"
    try:
        proc = subprocess.run(
            cmd, cwd=root, capture_output=True, text=True, check=False, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{name} failed: {exc}"
    if proc.returncode == 0:
        return set(), f"{name}: no advisories"
    ids = set(GHSA.findall(proc.stdout + proc.stderr))
    if ids:
        print(proc.stdout[-4000:])
        return ids, f"{name}: {len(ids)} advisories"
    lines = [ln.strip() for ln in f"{proc.stderr}\n{proc.stdout}".splitlines() if ln.strip()]
    why = next((ln for ln in lines if "advisories" in ln), None) or next(
        (ln for ln in lines if "error" in ln.lower()), f"exit {proc.returncode}"
    )
    return None, f"{name}: {why[:160]}"


# ---- ignore file -----------------------------------------------------------------------------


def load_ignores(path: Path) -> list[dict]:
    entries = tomllib.loads(path.read_text()).get("ignore", []) if path.is_file() else []
    for entry in entries:
        if not all(str(entry.get(k, "")).strip() for k in ("id", "package", "reason")):
            raise SystemExit(
                f"audit: {path}: every [[ignore]] needs id, package and reason: {entry}"
            )
    return entries


def ignored_by(finding: Finding, entries: list[dict]) -> dict | None:
    for entry in entries:
        same_package = (
            package_key(finding.package.ecosystem, entry["package"]) == finding.package.key[1]
        )
        if same_package and entry["id"] in finding.ids():
            return entry
    return None


# ---- the run ---------------------------------------------------------------------------------


def _show(finding: Finding) -> str:
    aliases = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
    fixed = ", ".join(finding.fixed) or "no fix"
    return (
        f"  {finding.id}{aliases}: {finding.package.name} {finding.package.version}, "
        f"fixed in {fixed}: {finding.summary}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.audit", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--python", default=sys.executable, help="the venv's python")
    parser.add_argument(
        "--node-root",
        action="append",
        default=[],
        type=Path,
        help="a folder with node_modules/ (repeatable)",
    )
    parser.add_argument("--bun", default=shutil.which("bun"))
    parser.add_argument(
        "--db",
        action="append",
        default=[],
        type=Path,
        help="local OSV advisory database, used when a service can't be reached",
    )
    parser.add_argument(
        "--ignore", type=Path, default=Path(__file__).with_name("audit-ignore.toml")
    )
    parser.add_argument("--offline", action="store_true", help="skip the online services")
    args = parser.parse_args(argv)

    ignores = load_ignores(args.ignore)
    findings: list[Finding] = []
    online_ids: set[str] = set()
    offline: list[Package] = []

    packages = python_packages(args.python)
    print(f"Python: {len(packages)} distributions in {Path(args.python).parent.parent}")
    result, note = (None, "skipped (--offline)") if args.offline else pip_audit(args.python)
    print(f"  pip-audit: {note}")
    if result is None:
        print("  pip-audit could not reach its advisory service: checking offline instead")
        offline += packages
    else:
        findings += result

    node_count = 0
    for root in args.node_root:
        pkgs = node_packages(root)
        if not pkgs:
            continue
        node_count += len(pkgs)
        print(f"npm: {len(pkgs)} packages in {root}/node_modules")
        ids, note = (None, "skipped (--offline)") if args.offline else node_audit(root, args.bun)
        print(f"  {note}")
        if ids is None:
            print("  the npm registry's advisory endpoint could not be reached: checking offline")
            offline += pkgs
        else:
            online_ids |= ids

    unaudited: dict[str, int] = {}
    if offline:
        wanted = {p.ecosystem for p in offline}
        seen: dict[str, int] = dict.fromkeys(wanted, 0)

        def counted(db: Path) -> Iterator[dict]:
            count = 0
            for record in iter_records(db):
                count += 1
                for affected in record.get("affected") or []:
                    eco = str((affected.get("package") or {}).get("ecosystem", "")).split(":")[0]
                    if eco in seen:
                        seen[eco] += 1
                yield record
            print(f"Advisory database: {describe_db(db)}: {count} OSV records")

        for db in args.db:
            findings += match(counted(db), offline)
        for eco in wanted:
            if not seen[eco]:
                unaudited[eco] = sum(p.ecosystem == eco for p in offline)
        if not args.db:
            print("No local advisory database given (make audit ADVISORY_DB=/path/to/advisory-db)")

    reported, waived = [], []
    for finding in sorted(set(findings), key=lambda f: (f.package.name.lower(), f.id)):
        (waived if ignored_by(finding, ignores) else reported).append(finding)
    ignored_ids = {e["id"] for e in ignores}
    online_reported = sorted(online_ids - ignored_ids)

    if waived:
        print(f"\nIgnored ({args.ignore.name}, each with its reason there): {len(waived)}")
        for finding in waived:
            print(_show(finding))
    if reported or online_reported:
        print(f"\nKnown vulnerabilities: {len(reported) + len(online_reported)}")
        for finding in reported:
            print(_show(finding))
        for ghsa in online_reported:
            print(f"  {ghsa} (npm; see the `npm audit` / `bun audit` output above)")
    used = {i for f in waived for i in f.ids()} | online_ids
    for entry in ignores:
        if entry["id"] not in used and not unaudited:
            print(f"note: ignore entry {entry['id']} ({entry['package']}) matched nothing")
    for eco, count in sorted(unaudited.items()):
        print(
            f"\nNOT AUDITED: {count} {eco} packages (no service reachable and no {eco} "
            "advisories in the local databases)"
        )

    audited = len(packages) + node_count - sum(unaudited.values())
    if reported or online_reported:
        return FOUND
    print(f"\nNo known vulnerabilities outside the ignore file in {audited} audited packages.")
    return INCOMPLETE if unaudited else OK


if __name__ == "__main__":
    sys.exit(main())
