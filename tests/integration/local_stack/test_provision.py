"""moto is provisioned by reading the template: the real one, and a copy with more resources."""

from __future__ import annotations

import json
from pathlib import Path

from local.aws import ProvisionedStack, aws_client, provision, reset_moto
from local.cfn import load_template
from tests.support.paths import TEMPLATE


def test_the_real_template_creates_its_tables_queues_and_redrive_policies(
    aws_stack: ProvisionedStack,
) -> None:
    resources = load_template(TEMPLATE)["Resources"]
    dynamodb = aws_client("dynamodb", aws_stack.endpoint)
    sqs = aws_client("sqs", aws_stack.endpoint)

    tables = {lid for lid, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    queues = {lid for lid, r in resources.items() if r["Type"] == "AWS::SQS::Queue"}
    assert {"StateTable", "IdempotencyTable"} <= tables
    assert {"InitialSyncQueue", "InitialSyncDLQ", "SyncQueue", "SyncDLQ"} <= queues

    for logical_id in tables:
        declared = resources[logical_id]["Properties"]
        table = dynamodb.describe_table(TableName=aws_stack.physical[logical_id].ref)["Table"]
        assert table["KeySchema"] == declared["KeySchema"]
        ttl = dynamodb.describe_time_to_live(TableName=table["TableName"])["TimeToLiveDescription"]
        if "TimeToLiveSpecification" in declared:
            assert ttl == {
                "TimeToLiveStatus": "ENABLED",
                "AttributeName": declared["TimeToLiveSpecification"]["AttributeName"],
            }
    state = dynamodb.describe_table(TableName=aws_stack.outputs["StateTableName"])["Table"]
    assert [index["IndexName"] for index in state["GlobalSecondaryIndexes"]] == ["gsi1"]

    for logical_id in queues:
        declared = resources[logical_id]["Properties"]
        attributes = sqs.get_queue_attributes(
            QueueUrl=aws_stack.physical[logical_id].ref, AttributeNames=["All"]
        )["Attributes"]
        assert attributes["QueueArn"] == aws_stack.physical[logical_id].attributes["Arn"]
        for name in ("VisibilityTimeout", "MessageRetentionPeriod"):
            if name in declared:
                assert attributes[name] == str(declared[name])
        if "RedrivePolicy" in declared:
            policy = json.loads(attributes["RedrivePolicy"])
            dlq = declared["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            assert policy["deadLetterTargetArn"] == aws_stack.physical[dlq].attributes["Arn"]
            assert int(policy["maxReceiveCount"]) == declared["RedrivePolicy"]["maxReceiveCount"]

    assert aws_stack.outputs["TenantSecretPrefix"] == "rbtx-local/tenants/"
    assert aws_stack.outputs["SyncQueueUrl"] == aws_stack.physical["SyncQueue"].attributes["QueueUrl"]
    sender = load_template(TEMPLATE)["Parameters"]["SenderEmail"]["Default"]
    verified = aws_client("ses", aws_stack.endpoint).list_identities()["Identities"]
    assert sender in verified
    assert aws_stack.unsupported == []


ADDED_RESOURCES = """Resources:
  AuditTable:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - AttributeName: tenant_id
          AttributeType: S
      KeySchema:
        - AttributeName: tenant_id
          KeyType: HASH

  AuditQueue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 77
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt AuditDLQ.Arn
        maxReceiveCount: 6

  AuditDLQ:
    Type: AWS::SQS::Queue

"""


def test_a_table_or_queue_added_to_the_template_exists_with_no_other_change(
    tmp_path: Path, moto_endpoint: str
) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    assert text.count("\nResources:\n") == 1
    copy = tmp_path / "template.yaml"
    copy.write_text(text.replace("\nResources:\n", "\n" + ADDED_RESOURCES, 1), encoding="utf-8")
    reset_moto(moto_endpoint)

    stack = provision(copy, moto_endpoint)

    table = aws_client("dynamodb", moto_endpoint).describe_table(TableName="rbtx-local-AuditTable")["Table"]
    assert table["KeySchema"] == [{"AttributeName": "tenant_id", "KeyType": "HASH"}]
    sqs = aws_client("sqs", moto_endpoint)
    url = sqs.get_queue_url(QueueName="rbtx-local-AuditQueue")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["VisibilityTimeout"] == "77"
    assert (
        json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"]
        == stack.physical["AuditDLQ"].attributes["Arn"]
    )
    assert stack.physical["AuditQueue"].ref == url


def test_reset_empties_moto_and_provisions_again(aws_stack: ProvisionedStack) -> None:
    sqs = aws_client("sqs", aws_stack.endpoint)
    sqs.send_message(QueueUrl=aws_stack.outputs["SyncQueueUrl"], MessageBody="left over")

    aws_stack.reset()

    attributes = sqs.get_queue_attributes(
        QueueUrl=aws_stack.outputs["SyncQueueUrl"], AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    aws_client("dynamodb", aws_stack.endpoint).describe_table(TableName=aws_stack.outputs["StateTableName"])


def test_an_unknown_resource_type_is_reported_not_silently_dropped(
    tmp_path: Path, moto_endpoint: str
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  Bucket:\n"
        "    Type: AWS::S3::Bucket\n"
        "  Queue:\n"
        "    Type: AWS::SQS::Queue\n"
        "    Properties:\n"
        "      Tags:\n"
        "        - Key: bucket\n"
        "          Value: !Ref Bucket\n",
        encoding="utf-8",
    )
    reset_moto(moto_endpoint)

    stack = provision(template, moto_endpoint)

    assert stack.unsupported == ["Bucket (AWS::S3::Bucket)"]
    tags = aws_client("sqs", moto_endpoint).list_queue_tags(QueueUrl=stack.physical["Queue"].ref)
    assert tags["Tags"] == {"bucket": "rbtx-local-Bucket"}
