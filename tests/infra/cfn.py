"""CloudFormation's intrinsic functions, evaluated once for every infra test that reads the
template (the rehearsal's stand-ins, the IAM evaluator, the CSP table).

``lookup`` answers a ``Ref`` name (a logical id or a pseudo parameter) and an ``Fn::GetAtt`` as
``"LogicalId.Attribute"``; anything this reader does not know raises ``Unsupported``: a test
must fail loudly when the stack grows something it would otherwise silently misread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

ACCOUNT = "123456789012"  # moto's default account
Lookup = Callable[[str], str]


class Unsupported(ValueError):
    """The template uses something this reader (or a stand-in built on it) does not implement."""


def pseudo_parameters(region: str, account: str = ACCOUNT) -> dict[str, str]:
    return {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::Partition": "aws",
        "AWS::URLSuffix": "amazonaws.com",
    }


def from_mapping(names: Mapping[str, str]) -> Lookup:
    """A lookup over a plain mapping; a name it lacks is Unsupported."""

    def lookup(name: str) -> str:
        if name not in names:
            raise Unsupported(f"no value for {name!r}")
        return names[name]

    return lookup


def resolve(value: Any, lookup: Lookup) -> Any:
    """``value`` with Ref, Fn::GetAtt, Fn::Join, Fn::Sub and Fn::Base64 (kept as text) evaluated."""
    if isinstance(value, list):
        return [resolve(v, lookup) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        [(key, arg)] = value.items()
        if key == "Ref":
            return lookup(arg)
        if key == "Fn::GetAtt":
            return lookup(".".join(arg))
        if key == "Fn::Join":
            sep, parts = arg
            return sep.join(str(resolve(p, lookup)) for p in parts)
        if key == "Fn::Base64":
            return resolve(arg, lookup)
        if key == "Fn::Sub":
            text, local = (arg, {}) if isinstance(arg, str) else arg
            variables = {k: str(resolve(v, lookup)) for k, v in local.items()}
            return re.sub(r"\$\{(!?)([^}]+)\}", lambda m: _sub(m, variables, lookup), text)
        if key.startswith("Fn::"):
            raise Unsupported(f"intrinsic {key}")
    return {k: resolve(v, lookup) for k, v in value.items()}


def _sub(match: re.Match[str], variables: Mapping[str, str], lookup: Lookup) -> str:
    """One ``${Name}`` of Fn::Sub; ``${!Literal}`` stays ``${Literal}``."""
    bang, name = match.groups()
    if bang:
        return "${" + name + "}"
    return variables[name] if name in variables else lookup(name)
