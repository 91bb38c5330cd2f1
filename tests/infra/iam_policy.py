"""A small IAM evaluator for the synthesized template's identity policies, and the resolver
that turns the template's intrinsic functions into the names a workload on moto used.

Why our own: policyuniverse parses statements and expands action wildcards but does not decide
a request (no conditions, no Deny-over-Allow for a request context); iam-ape and
cloudsplaining read an account's authorization details to report effective permissions, not to
decide one call. What is needed here is "does this role allow this action on this ARN with
this request context", which is a page of code: Allow/Deny, Action/NotAction,
Resource/NotResource with ``*`` and ``?``, and the condition operators below. Anything else (an
operator it does not know, a ``ForAnyValue:`` set operator, an intrinsic it cannot resolve)
raises instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.infra import cfn

ContextValue = str | list[str]


class UnsupportedPolicy(cfn.Unsupported):
    """The policy uses something this evaluator does not implement: fail, never guess."""


@dataclass(frozen=True)
class Request:
    """One authorization question: may the role do ``action`` on ``resource``?"""

    action: str  # "s3:GetObject"
    resource: str  # an ARN
    context: Mapping[str, ContextValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Statement:
    """One resolved policy statement (resource ARNs in the workload's names)."""

    sid: str
    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    conditions: Mapping[str, Mapping[str, list[str]]]
    not_actions: bool = False
    not_resources: bool = False

    @classmethod
    def parse(cls, raw: Mapping[str, Any], default_sid: str) -> Statement:
        for key in raw:
            if key not in {
                "Sid",
                "Effect",
                "Action",
                "NotAction",
                "Resource",
                "NotResource",
                "Condition",
            }:
                raise UnsupportedPolicy(f"statement element {key!r}")
        actions = raw.get("Action", raw.get("NotAction"))
        resources = raw.get("Resource", raw.get("NotResource"))
        if actions is None or resources is None:
            raise UnsupportedPolicy(f"statement {raw} lacks an action or a resource")
        conditions = {
            op: {key: _as_list(values) for key, values in keys.items()}
            for op, keys in raw.get("Condition", {}).items()
        }
        for op in conditions:
            _operator(op)  # unknown operators fail when the policy is read, not when used
        return cls(
            sid=str(raw.get("Sid", default_sid)),
            effect=raw["Effect"],
            actions=tuple(_as_list(actions)),
            resources=tuple(_as_list(resources)),
            conditions=conditions,
            not_actions="NotAction" in raw,
            not_resources="NotResource" in raw,
        )

    def applies_to(self, request: Request) -> bool:
        action_hit = any(wildcard_match(a, request.action, fold_case=True) for a in self.actions)
        resource_hit = any(arn_match(r, request.resource) for r in self.resources)
        return (
            action_hit != self.not_actions
            and resource_hit != self.not_resources
            and all(_operator(op)(request.context, keys) for op, keys in self.conditions.items())
        )


@dataclass(frozen=True)
class Decision:
    """The outcome, and which statements allowed it (for the unused-grant report)."""

    allowed: bool
    reason: str  # "allowed", "explicit deny" or "implicit deny"
    allowed_by: tuple[Statement, ...] = ()


def decide(statements: list[Statement], request: Request) -> Decision:
    """IAM's order within one account's identity policies: an explicit Deny wins, then any
    Allow, else the implicit deny."""
    hits = [s for s in statements if s.applies_to(request)]
    if any(s.effect == "Deny" for s in hits):
        return Decision(False, "explicit deny")
    allows = tuple(s for s in hits if s.effect == "Allow")
    return Decision(bool(allows), "allowed" if allows else "implicit deny", allows)


# ---- matching -------------------------------------------------------------------------------


def wildcard_match(pattern: str, value: str, *, fold_case: bool = False) -> bool:
    """IAM's glob: ``*`` any run of characters (empty too), ``?`` exactly one."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    flags = re.DOTALL | (re.IGNORECASE if fold_case else 0)
    return re.fullmatch(regex, value, flags) is not None


def arn_match(pattern: str, arn: str) -> bool:
    """A Resource element against an ARN: ``*`` alone matches anything; otherwise the first
    five ARN fields are matched field by field (a wildcard stays inside its field) and the
    resource part as a whole (where ``*`` spans ``/`` and ``:``, as in ``bucket/*``)."""
    if pattern == "*":
        return True
    p_fields, a_fields = pattern.split(":", 5), arn.split(":", 5)
    if len(p_fields) != 6 or len(a_fields) != 6:
        return False
    return all(wildcard_match(p, a) for p, a in zip(p_fields, a_fields, strict=True))


# ---- condition operators --------------------------------------------------------------------

_Test = Callable[[str, str], bool]
_STRING_TESTS: dict[str, _Test] = {
    "StringEquals": lambda want, got: want == got,
    "StringEqualsIgnoreCase": lambda want, got: want.lower() == got.lower(),
    "StringLike": lambda want, got: wildcard_match(want, got),
    "ArnEquals": lambda want, got: want == got,
    "ArnLike": arn_match,
    "Bool": lambda want, got: want.lower() == got.lower(),
}
_NEGATED: dict[str, str] = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
}


def _context_value(context: Mapping[str, ContextValue], key: str) -> list[str] | None:
    """Condition keys are case-insensitive; a single-valued key is a list of one."""
    for name, value in context.items():
        if name.lower() == key.lower():
            return _as_list(value)
    return None


def _operator(op: str) -> Callable[[Mapping[str, ContextValue], Mapping[str, list[str]]], bool]:
    """The evaluator of one condition operator (all its keys must hold; any value may match)."""
    if op.startswith(("ForAnyValue:", "ForAllValues:")):
        raise UnsupportedPolicy(f"set operator {op!r}")
    if_exists = op.endswith("IfExists") and op != "IfExists"
    base = op.removesuffix("IfExists") if if_exists else op
    if base == "Null":

        def null(context: Mapping[str, ContextValue], keys: Mapping[str, list[str]]) -> bool:
            return all(
                (_context_value(context, k) is None) == (v[0].lower() == "true")
                for k, v in keys.items()
            )

        return null
    negated = base in _NEGATED
    test = _STRING_TESTS.get(_NEGATED.get(base, base))
    if test is None:
        raise UnsupportedPolicy(f"condition operator {op!r}")

    def check(context: Mapping[str, ContextValue], keys: Mapping[str, list[str]]) -> bool:
        for key, wanted in keys.items():
            got = _context_value(context, key)
            if got is None:  # absent: IfExists and negated operators hold, the others do not
                if not (if_exists or negated):
                    return False
                continue
            hit = any(test(w, g) for w in wanted for g in got)
            if hit == negated:
                return False
        return True

    return check


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


# ---- the template ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """How the template's tokens become the names a workload used on moto.

    ``physical`` maps a resource's logical id to the physical name the workload gave it
    (what ``Ref`` of that resource returns); pseudo parameters come from account and region.
    """

    account: str
    region: str
    physical: Mapping[str, str]
    partition: str = "aws"

    def ref(self, name: str) -> str:
        pseudo = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": self.partition,
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        if name not in self.physical:
            raise UnsupportedPolicy(f"Ref to {name!r}, which the workload gave no name")
        return self.physical[name]

    def arn(self, logical_id: str, resource_type: str) -> str:
        """``Fn::GetAtt [id, Arn]`` for the resource types the roles name."""
        name, where = self.ref(logical_id), f"{self.region}:{self.account}"
        formats = {
            "AWS::DynamoDB::Table": f"arn:{self.partition}:dynamodb:{where}:table/{name}",
            "AWS::SQS::Queue": f"arn:{self.partition}:sqs:{where}:{name}",
            "AWS::Logs::LogGroup": f"arn:{self.partition}:logs:{where}:log-group:{name}:*",
            "AWS::ECR::Repository": f"arn:{self.partition}:ecr:{where}:repository/{name}",
        }
        if resource_type not in formats:
            raise UnsupportedPolicy(f"Fn::GetAtt Arn of a {resource_type}")
        return formats[resource_type]


def resolve(value: Any, names: Names, resources: Mapping[str, Any]) -> Any:
    """``value`` resolved (tests/infra/cfn.py), naming resources as the workload did."""

    def lookup(name: str) -> str:
        if "." not in name:
            return names.ref(name)
        logical_id, attribute = name.rsplit(".", 1)
        if attribute != "Arn" or logical_id not in resources:
            raise UnsupportedPolicy(f"Fn::GetAtt {name}")
        return names.arn(logical_id, resources[logical_id]["Type"])

    try:
        return cfn.resolve(value, lookup)
    except UnsupportedPolicy:
        raise
    except cfn.Unsupported as exc:
        raise UnsupportedPolicy(str(exc)) from exc


def role_statements(template: Mapping[str, Any], role_id: str, names: Names) -> list[Statement]:
    """Every statement of every identity policy attached to role ``role_id``, resolved."""
    resources = template["Resources"]
    role = resources[role_id]["Properties"]
    if role.get("ManagedPolicyArns"):
        raise UnsupportedPolicy(f"{role_id} has managed policies, which are not in the template")
    documents = [p["PolicyDocument"] for p in role.get("Policies", [])]
    for res in resources.values():
        attached = res["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
        if attached and {"Ref": role_id} in res["Properties"].get("Roles", []):
            documents.append(res["Properties"]["PolicyDocument"])
    return list(_statements(documents, names, resources, role_id))


def _statements(
    documents: list[Any], names: Names, resources: Mapping[str, Any], role_id: str
) -> Iterator[Statement]:
    n = 0
    for doc in documents:
        for raw in _as_list(doc["Statement"]):
            n += 1
            yield Statement.parse(resolve(raw, names, resources), f"{role_id}#{n}")
