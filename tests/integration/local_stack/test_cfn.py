"""Template reading: short-form tags, SAM Globals and intrinsic functions."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.cfn import PhysicalResource, Resolver, TemplateError, load_template, merge_globals

TEMPLATE = """
Parameters:
  Stage: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Zones: {Type: CommaDelimitedList, Default: "a,b"}
  Size: {Type: Number, Default: 3}
Mappings:
  Sizes:
    dev: {memory: 256}
    prod: {memory: 1024}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsDev, !Equals [!Ref Size, "3"]]
  Either: !Or [!Condition IsProd, !Condition IsDev]
Globals:
  Function:
    Timeout: 30
    Layers: [!Ref Layer]
    Environment:
      Variables: {STAGE: !Ref Stage, SHARED: "1"}
Resources:
  Layer: {Type: AWS::Serverless::LayerVersion, Properties: {ContentUri: layer/}}
  Queue: {Type: AWS::SQS::Queue}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 10
      Layers: [extra]
      Environment:
        Variables: {OWN: "2", SHARED: "3"}
  ProdOnly: {Type: AWS::SQS::Queue, Condition: IsProd}
Outputs:
  Url: {Value: !Sub "https://${AWS::Region}.example/${Stage}/${Queue.QueueName}/${!Literal}"}
  ListSub: {Value: !Sub ["${Name}-${AWS::AccountId}", {Name: !GetAtt Queue.Arn}]}
  Joined: {Value: !Join ["-", [!Ref "AWS::StackName", !Select [1, !Split [",", "x,y,z"]]]]}
  Memory: {Value: !FindInMap [Sizes, !Ref Stage, memory]}
  Encoded: {Value: !Base64 "hi"}
  Zones: {Value: !Select [0, !GetAZs ""]}
  Chosen: {Value: !If [IsProd, big, small]}
  Maybe: {Value: [keep, !If [IsProd, prod-item, !Ref "AWS::NoValue"]]}
  ProdOutput: {Value: prod, Condition: IsProd}
  Flags: {Value: [!Condition Both, !Condition Either]}
"""

QUEUE = PhysicalResource(
    "Queue",
    "AWS::SQS::Queue",
    "http://q/123456789012/rbtx-local-Queue",
    {"Arn": "arn:aws:sqs:eu-west-1:123456789012:rbtx-local-Queue", "QueueName": "rbtx-local-Queue"},
)


@pytest.fixture
def template(tmp_path: Path) -> dict[str, object]:
    path = tmp_path / "template.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    return load_template(path)


def test_short_form_tags_become_long_forms(template: dict[str, dict[str, dict[str, object]]]) -> None:
    assert template["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}
    assert template["Conditions"]["IsDev"] == {"Fn::Not": [{"Condition": "IsProd"}]}
    assert template["Outputs"]["ListSub"] == {
        "Value": {"Fn::Sub": ["${Name}-${AWS::AccountId}", {"Name": {"Fn::GetAtt": ["Queue", "Arn"]}}]}
    }


def test_globals_merge_into_functions_as_sam_does(template: dict[str, object]) -> None:
    function = merge_globals(template)["Resources"]["Fn"]["Properties"]  # type: ignore[index]

    assert function["Timeout"] == 10
    assert function["Layers"] == [{"Ref": "Layer"}, "extra"]
    assert function["Environment"]["Variables"] == {"STAGE": {"Ref": "Stage"}, "SHARED": "3", "OWN": "2"}


def test_intrinsics_resolve_with_defaults_pseudo_parameters_and_physical_ids(
    template: dict[str, object],
) -> None:
    outputs = Resolver(template, {}, {"Queue": QUEUE}).outputs()

    assert outputs == {
        "Url": "https://eu-west-1.example/dev/rbtx-local-Queue/${Literal}",
        "ListSub": "arn:aws:sqs:eu-west-1:123456789012:rbtx-local-Queue-123456789012",
        "Joined": "rbtx-local-y",
        "Memory": 256,
        "Encoded": "aGk=",
        "Zones": "eu-west-1a",
        "Chosen": "small",
        "Maybe": ["keep"],
        "Flags": [True, True],
    }


def test_parameter_overrides_and_conditions(template: dict[str, object]) -> None:
    resolver = Resolver(template, {"Stage": "prod"}, {"Queue": QUEUE})

    outputs = resolver.outputs()

    assert outputs["Chosen"] == "big"
    assert outputs["Maybe"] == ["keep", "prod-item"]
    assert outputs["ProdOutput"] == "prod"
    assert resolver.resource_enabled("ProdOnly")
    assert not Resolver(template).resource_enabled("ProdOnly")
    assert Resolver(template).parameters["Zones"] == ["a", "b"]


def test_bad_parameters_and_references_fail_loudly(template: dict[str, object]) -> None:
    with pytest.raises(TemplateError, match="not one of"):
        Resolver(template, {"Stage": "qa"})
    with pytest.raises(TemplateError, match="not declared"):
        Resolver(template, {"Nope": "x"})
    with pytest.raises(TemplateError, match="not provisioned"):
        Resolver(template).resolve({"Ref": "Queue"})
    with pytest.raises(TemplateError, match="knows only"):
        Resolver(template, {}, {"Queue": QUEUE}).resolve({"Fn::GetAtt": ["Queue", "Nope"]})
