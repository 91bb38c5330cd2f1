"""The IAM evaluator that test_iam_from_behaviour.py relies on: each rule it implements, and a
loud failure for what it does not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.aws_calls import Call, UnmappedOperation, iam_requests
from tests.infra.iam_policy import (
    Names,
    Request,
    Statement,
    UnsupportedPolicy,
    arn_match,
    decide,
    resolve,
    wildcard_match,
)

BUCKET = "arn:aws:s3:::media"


def st(effect: str = "Allow", **raw: Any) -> Statement:
    return Statement.parse({"Effect": effect, **raw}, "test")


def test_wildcards() -> None:
    assert wildcard_match("s3:Get*", "s3:GetObject")
    assert wildcard_match("s3:*", "s3:")
    assert wildcard_match("s3:GetObjec?", "s3:GetObject")
    assert not wildcard_match("s3:GetObjec?", "s3:GetObjects")
    assert not wildcard_match("s3:Get.bject", "s3:GetObject")  # "." is no wildcard
    assert wildcard_match("S3:getobject", "s3:GetObject", fold_case=True)
    assert not wildcard_match("S3:getobject", "s3:GetObject")


def test_resource_wildcards_stay_in_their_field_but_span_the_path() -> None:
    assert arn_match(f"{BUCKET}/originals/*", f"{BUCKET}/originals/a/b:c")
    assert not arn_match(f"{BUCKET}/originals/*", f"{BUCKET}/thumbs/a")
    assert not arn_match(f"{BUCKET}/originals/*", f"{BUCKET}/originals")
    assert arn_match(
        "arn:aws:secretsmanager:*:1:secret:x-??????",
        "arn:aws:secretsmanager:eu-west-1:1:secret:x-AbC123",
    )
    assert not arn_match(
        "arn:aws:secretsmanager:*:1:secret:x-??????",
        "arn:aws:secretsmanager:eu-west-1:1:secret:x-AbC12",
    )
    assert not arn_match("arn:aws:dynamodb:*:1:table/t", "arn:aws:dynamodb:us-east-1:2:table/t")
    assert arn_match("*", "arn:aws:anything")


def test_action_and_resource_must_both_match() -> None:
    allow = [st(Action=["s3:GetObject"], Resource=f"{BUCKET}/originals/*")]
    assert decide(allow, Request("s3:GetObject", f"{BUCKET}/originals/x")).allowed
    assert not decide(allow, Request("s3:PutObject", f"{BUCKET}/originals/x")).allowed
    assert decide(allow, Request("s3:getobject", f"{BUCKET}/originals/x")).allowed
    denied = decide(allow, Request("s3:GetObject", f"{BUCKET}/thumbs/x"))
    assert (denied.allowed, denied.reason) == (False, "implicit deny")


def test_an_explicit_deny_wins() -> None:
    statements = [
        st(Action="s3:*", Resource="*"),
        st("Deny", Action="s3:DeleteObject", Resource=f"{BUCKET}/*"),
    ]
    decision = decide(statements, Request("s3:DeleteObject", f"{BUCKET}/k"))
    assert (decision.allowed, decision.reason) == (False, "explicit deny")
    assert decide(statements, Request("s3:GetObject", f"{BUCKET}/k")).allowed


def test_not_action_and_not_resource() -> None:
    statements = [st(NotAction="s3:DeleteObject", NotResource=f"{BUCKET}/private/*")]
    assert decide(statements, Request("s3:GetObject", f"{BUCKET}/k")).allowed
    assert not decide(statements, Request("s3:DeleteObject", f"{BUCKET}/k")).allowed
    assert not decide(statements, Request("s3:GetObject", f"{BUCKET}/private/k")).allowed


def test_string_like_if_exists_as_on_list_bucket() -> None:
    cond = {"StringLikeIfExists": {"s3:prefix": ["originals/*", "thumbs/*"]}}
    statements = [st(Action="s3:ListBucket", Resource=BUCKET, Condition=cond)]

    def listing(**context: str) -> bool:
        return decide(statements, Request("s3:ListBucket", BUCKET, context)).allowed

    assert listing(**{"s3:prefix": "originals/"})
    assert listing(**{"S3:Prefix": "thumbs/abc/"})  # condition keys ignore case
    assert listing()  # no prefix at all (a HEAD's 404): IfExists holds
    assert not listing(**{"s3:prefix": ""})
    assert not listing(**{"s3:prefix": "other/"})


def test_operators_without_if_exists_need_the_key() -> None:
    eq = [st(Action="*", Resource="*", Condition={"StringEquals": {"aws:k": ["a", "b"]}})]
    assert decide(eq, Request("x:Y", "*", {"aws:k": "b"})).allowed
    assert not decide(eq, Request("x:Y", "*", {"aws:k": "c"})).allowed
    assert not decide(eq, Request("x:Y", "*")).allowed
    ne = [st(Action="*", Resource="*", Condition={"StringNotLike": {"aws:k": ["a*"]}})]
    assert decide(ne, Request("x:Y", "*", {"aws:k": "b"})).allowed
    assert not decide(ne, Request("x:Y", "*", {"aws:k": "abc"})).allowed
    assert decide(ne, Request("x:Y", "*")).allowed  # negated: an absent key holds
    both = {"Bool": {"aws:SecureTransport": "true"}, "Null": {"aws:k": "false"}}
    tls = [st(Action="*", Resource="*", Condition=both)]
    assert decide(tls, Request("x:Y", "*", {"aws:SecureTransport": "true", "aws:k": "v"})).allowed
    assert not decide(tls, Request("x:Y", "*", {"aws:SecureTransport": "true"})).allowed


@pytest.mark.parametrize(
    "condition",
    [{"NumericLessThan": {"s3:max-keys": "10"}}, {"ForAnyValue:StringLike": {"k": "v"}}],
)
def test_an_operator_it_does_not_know_fails_loudly(condition: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedPolicy):
        st(Action="*", Resource="*", Condition=condition)


def test_the_resolver_names_template_resources_as_the_workload_did() -> None:
    names = Names("111122223333", "eu-west-1", physical={"Items1": "items-t"})
    resources = {
        "Items1": {"Type": "AWS::DynamoDB::Table"},
        "Fn1": {"Type": "AWS::Lambda::Function"},
    }
    join = {"Fn::Join": ["", [{"Fn::GetAtt": ["Items1", "Arn"]}, "/index/*"]]}
    assert (
        resolve(join, names, resources)
        == "arn:aws:dynamodb:eu-west-1:111122223333:table/items-t/index/*"
    )
    sub = {"Fn::Sub": ["${AWS::Region} ${Name} ${!Literal} ${Items1}", {"Name": {"Ref": "Items1"}}]}
    assert resolve(sub, names, resources) == "eu-west-1 items-t ${Literal} items-t"
    with pytest.raises(UnsupportedPolicy):
        resolve({"Fn::GetAtt": ["Fn1", "Arn"]}, names, resources)
    with pytest.raises(UnsupportedPolicy):
        resolve({"Fn::ImportValue": "x"}, names, resources)
    with pytest.raises(UnsupportedPolicy):
        resolve({"Ref": "Unnamed"}, names, resources)


def _call(service: str, operation: str, error: str | None = None, **params: Any) -> Call:
    return Call("c", service, operation, "us-east-1", params, error=error)


def test_calls_become_the_checks_aws_makes() -> None:
    [head] = iam_requests(_call("s3", "HeadObject", Bucket="media", Key="originals/a"))
    assert (head.action, head.resource) == ("s3:GetObject", f"{BUCKET}/originals/a")
    missing = iam_requests(_call("s3", "HeadObject", "404", Bucket="media", Key="originals/a"))
    assert [r.action for r in missing] == ["s3:GetObject", "s3:ListBucket"]
    [listing] = iam_requests(_call("s3", "ListObjectsV2", Bucket="media", Prefix="thumbs/x/"))
    assert (listing.resource, listing.context) == (BUCKET, {"s3:prefix": "thumbs/x/"})
    tx = _call(
        "dynamodb",
        "TransactWriteItems",
        TransactItems=[{"ConditionCheck": {"TableName": "items"}}, {"Put": {"TableName": "items"}}],
    )
    assert [r.action for r in iam_requests(tx)] == [
        "dynamodb:ConditionCheckItem",
        "dynamodb:PutItem",
    ]
    [query] = iam_requests(_call("dynamodb", "Query", TableName="items", IndexName="by_id"))
    assert query.resource.endswith(":table/items/index/by_id")
    with pytest.raises(UnmappedOperation):
        iam_requests(_call("s3", "PutBucketPolicy", Bucket="media"))
