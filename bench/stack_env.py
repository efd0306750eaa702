"""Each function of template.yaml as Lambda would run it: its code, handler and resolved environment.

The environment comes from the template through `local.cfn` (via `local.aws.provision`, which
resolves Ref/GetAtt/Sub against resources created in a moto server), so a benchmark that
imports or invokes a handler sees exactly what the local stack and Lambda would give it, and
every AWS call it might make goes to moto.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.core import TEMPLATE
from local.aws import FAKE_CREDENTIALS, MotoServer, ProvisionedStack, provision, reset_moto
from local.cfn import REGION, SERVERLESS_FUNCTION


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler_module: str
    memory_mb: int
    environment: dict[str, str]

    @property
    def module_path(self) -> Path:
        return self.code_dir / f"{self.handler_module.replace('.', '/')}.py"


def layer_dirs(stack: ProvisionedStack) -> list[Path]:
    dirs = []
    for resource in stack.template["Resources"].values():
        if resource.get("Type") in {"AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"}:
            content = (resource.get("Properties") or {}).get("ContentUri")
            if isinstance(content, str):
                dirs.append((stack.template_dir / content).resolve())
    return dirs


def functions(stack: ProvisionedStack) -> list[FunctionSpec]:
    resolver = stack.resolver()
    specs = []
    for logical_id, resource in stack.template["Resources"].items():
        if resource.get("Type") != SERVERLESS_FUNCTION:
            continue
        props = resolver.resolve(resource.get("Properties") or {})
        variables = {k: str(v) for k, v in ((props.get("Environment") or {}).get("Variables") or {}).items()}
        handler = str(props["Handler"])
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": FAKE_CREDENTIALS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": FAKE_CREDENTIALS["aws_secret_access_key"],
            "AWS_LAMBDA_FUNCTION_NAME": stack.physical[logical_id].ref,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(props.get("MemorySize", 128)),
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "_HANDLER": handler,
            **variables,
            "AWS_ENDPOINT_URL": stack.endpoint,
            # No X-Ray daemon here; the local stack disables the tracer the same way.
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        specs.append(
            FunctionSpec(
                logical_id=logical_id,
                code_dir=(stack.template_dir / str(props["CodeUri"])).resolve(),
                handler_module=handler.rpartition(".")[0],
                memory_mb=int(props.get("MemorySize", 128)),
                environment=environment,
            )
        )
    return specs


@contextmanager
def provisioned(template: Path = TEMPLATE) -> Iterator[ProvisionedStack]:
    """template.yaml provisioned in a private moto server on a free port, stopped on exit."""
    server = MotoServer()
    # moto's backends are process-wide: a stack provisioned earlier in this process is still there.
    reset_moto(server.endpoint)
    try:
        yield provision(template, server.endpoint)
    finally:
        server.stop()
