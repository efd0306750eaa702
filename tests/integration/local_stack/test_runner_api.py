"""API Gateway REST proxy events and the Lambda Invoke endpoint, over real HTTP."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import httpx
import pytest

from local.stack import LocalStack
from tests.support.paths import RUNNER_TEMPLATE


@pytest.fixture(scope="module")
def stack(moto_server: Any) -> Any:
    # One stack for the module: these tests only read. Built like start_local_stack does.
    from local.aws import reset_moto
    from local.stack import StackPorts

    reset_moto(moto_server.endpoint)
    started = LocalStack(
        RUNNER_TEMPLATE,
        ports=StackPorts.free(),
        shared_moto=moto_server,
        poll_queues=False,
        run_schedules=False,
    ).start()
    yield started
    started.stop()


@pytest.fixture
def api(stack: LocalStack) -> httpx.Client:
    with httpx.Client(base_url=stack.api_url, timeout=20) as client:
        yield client


def echoed(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return json.loads(response.text)


def test_a_get_carries_path_parameters_query_strings_and_headers(api: httpx.Client) -> None:
    response = api.get(
        "/items/a%20b", params=[("q", "1"), ("q", "2"), ("only", "x")], headers={"X-Tenant": "t-1"}
    )

    document = echoed(response)
    event = document["event"]
    assert event["resource"] == "/items/{item_id}"
    assert event["path"] == "/items/a b"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"item_id": "a b"}
    assert event["queryStringParameters"] == {"q": "2", "only": "x"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"], "only": ["x"]}
    assert event["headers"]["X-Tenant"] == "t-1"
    assert event["multiValueHeaders"]["X-Tenant"] == ["t-1"]
    assert event["stageVariables"] == {"flavour": "fixture"}
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "test"
    assert context["path"] == "/test/items/a b"
    assert context["resourcePath"] == "/items/{item_id}"
    assert context["httpMethod"] == "GET"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"]
    assert response.headers["X-Fixture"] == "api"
    assert response.headers.get_list("Set-Cookie") == ["a=1", "b=2"]


def test_the_handler_gets_a_lambda_context_and_its_own_environment(api: httpx.Client) -> None:
    document = echoed(api.get("/items/1"))

    assert document["label"] == "api"
    context = document["context"]
    assert context["function_name"] == "rbtx-local-ApiFunction"
    assert context["memory_limit_in_mb"] == 128
    assert (
        context["invoked_function_arn"]
        == "arn:aws:lambda:eu-west-1:123456789012:function:rbtx-local-ApiFunction"
    )
    assert 0 < context["remaining_ms"] <= 20_000


def test_a_literal_route_beats_a_path_parameter(api: httpx.Client) -> None:
    assert echoed(api.get("/items/special"))["event"]["resource"] == "/items/special"


def test_a_greedy_proxy_route_takes_the_rest_of_the_path(api: httpx.Client) -> None:
    event = echoed(api.delete("/files/a/b/c.txt"))["event"]

    assert event["resource"] == "/files/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b/c.txt"}


def test_a_binary_body_arrives_base64_encoded_and_a_text_body_does_not(api: httpx.Client) -> None:
    binary = echoed(
        api.put("/files/x.bin", content=b"\x00\x01\xfe", headers={"Content-Type": "application/octet-stream"})
    )
    text = echoed(api.post("/echo", json={"name": "Kari"}))

    assert binary["event"]["isBase64Encoded"] is True
    assert base64.b64decode(binary["event"]["body"]) == b"\x00\x01\xfe"
    assert text["event"]["isBase64Encoded"] is False
    assert json.loads(text["event"]["body"]) == {"name": "Kari"}


def test_a_base64_reply_is_decoded_for_the_client(api: httpx.Client) -> None:
    response = api.get("/files/report.bin")

    assert response.content == b"\x00\xffbinary"
    assert response.headers["Content-Type"] == "application/octet-stream"


def test_no_matching_route_answers_like_api_gateway(api: httpx.Client) -> None:
    for response in (api.get("/nowhere"), api.post("/items/1")):
        assert response.status_code == 403
        assert response.json() == {"message": "Missing Authentication Token"}


def test_a_failing_handler_is_a_502(api: httpx.Client) -> None:
    response = api.get("/boom")

    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}


def test_a_handler_can_invoke_another_function_synchronously(api: httpx.Client) -> None:
    document = echoed(api.get("/call-tick"))

    assert document["label"] == "api"
    assert document["tick"]["label"] == "tick"
    assert document["tick"]["event"] == {"from": "api"}


def test_concurrent_invocations_of_different_functions_keep_their_environments(
    api: httpx.Client, stack: LocalStack
) -> None:
    assert stack.runner is not None
    runner = stack.runner

    def call(index: int) -> tuple[str, str]:
        if index % 2:
            return "api", echoed(api.get(f"/items/{index}"))["label"]
        return "tick", runner.invoke("TickFunction", {"n": index}).payload["label"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(24)))

    assert all(expected == seen for expected, seen in results)


def lambda_client(stack: LocalStack) -> Any:
    return boto3.client(
        "lambda",
        endpoint_url=stack.invoke_url,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_the_invoke_endpoint_speaks_the_lambda_api(stack: LocalStack) -> None:
    client = lambda_client(stack)

    by_name = client.invoke(FunctionName="rbtx-local-TickFunction", Payload=b'{"a": 1}')
    by_arn = client.invoke(
        FunctionName="arn:aws:lambda:eu-west-1:123456789012:function:rbtx-local-TickFunction", Payload=b"{}"
    )
    queued = client.invoke(FunctionName="rbtx-local-TickFunction", InvocationType="Event", Payload=b"{}")
    failed = client.invoke(FunctionName="rbtx-local-ApiFunction", Payload=json.dumps({"resource": "/boom"}))

    assert by_name["StatusCode"] == 200
    assert json.loads(by_name["Payload"].read())["event"] == {"a": 1}
    assert json.loads(by_arn["Payload"].read())["label"] == "tick"
    assert queued["StatusCode"] == 202
    assert failed["FunctionError"] == "Unhandled"
    error = json.loads(failed["Payload"].read())
    assert error["errorType"] == "RuntimeError"
    assert error["errorMessage"] == "the handler failed"
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.invoke(FunctionName="NoSuchFunction", Payload=b"{}")


def test_invocations_are_logged_one_line_each_without_payloads(
    api: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="local.invocations"):
        echoed(api.get("/items/secret-looking-id", params={"token": "s3cr3t"}))

    (line,) = [r.getMessage() for r in caplog.records if r.name == "local.invocations"]
    assert line.startswith("function=ApiFunction trigger=api:GET /items/{item_id} outcome=ok duration_ms=")
    assert "s3cr3t" not in line
    assert "secret-looking-id" not in line
