"""The runner reads the project's own template.yaml: every function, its Globals, its resources."""

from __future__ import annotations

from collections.abc import Callable

from local.cfn import load_template
from local.stack import LocalStack
from tests.support.paths import TEMPLATE


def test_every_function_of_template_yaml_is_loaded_with_its_resolved_environment(
    start_local_stack: Callable[..., LocalStack],
) -> None:
    stack = start_local_stack(TEMPLATE, poll_queues=False, run_schedules=False)
    assert stack.runner is not None
    assert stack.aws is not None
    resources = load_template(TEMPLATE)["Resources"]
    declared = {lid for lid, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}

    assert set(stack.runner.functions) == declared
    for function in stack.runner.functions.values():
        variables = function.environment.values
        assert variables["POWERTOOLS_SERVICE_NAME"] == "rackbeat-tripletex"  # from Globals
        assert variables["STAGE"] == "dev"
        assert variables["AWS_ENDPOINT_URL"] == stack.aws.endpoint
        assert variables["AWS_ENDPOINT_URL_LAMBDA"] == stack.invoke_url
        assert variables["PUBLIC_BASE_URL"] == stack.api_url
        assert variables["AWS_LAMBDA_FUNCTION_NAME"] == function.name
        for name, value in variables.items():
            assert "${" not in value, f"{function.logical_id}.{name} unresolved"
            assert not value.startswith("{'"), f"{function.logical_id}.{name} unresolved"
        assert any(str(d).endswith("layers/shared") for d in function.layer_dirs)
