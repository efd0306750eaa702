"""The whole local stack in one object: moto provisioned from the template, the runner, its servers.

``python -m local`` uses it on the fixed ports; tests use it with every port 0 (free ports).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from local.apigw import ApiGateway, InvokeEndpoint
from local.aws import MotoServer, ProvisionedStack, provision, reset_moto
from local.cfn import load_template
from local.outbox import LOCAL_PAGES
from local.runner import LambdaRunner
from local.servers import PortBusy, ServerThread, port_is_free

log = logging.getLogger("local.stack")


@dataclass(frozen=True)
class StackPorts:
    api: int = 3000
    moto: int = 3003
    invoke: int = 3004

    @classmethod
    def free(cls) -> StackPorts:
        return cls(api=0, moto=0, invoke=0)


@dataclass(frozen=True)
class ExtraApp:
    """A WSGI app to serve next to the stack (the API simulators), started before provisioning."""

    label: str
    app: Any
    port: int


# Each simulator holds one account, which every tenant of a local stack shares: the rule of one
# integration per account is off unless a stack turns it on (the onboarding tests do).
LOCAL_PARAMETERS = {"OneIntegrationPerAccount": "false"}

ParameterOverrides = Mapping[str, Any] | Callable[[Mapping[str, str]], Mapping[str, Any]]


@dataclass
class LocalStack:
    template_path: Path
    ports: StackPorts = field(default_factory=StackPorts)
    speedup: float = 1.0
    # A mapping, or a function of the extra apps' URLs (label -> URL) returning one.
    parameter_overrides: ParameterOverrides | None = None
    extra_apps: list[ExtraApp] = field(default_factory=list)
    poll_queues: bool = True
    run_schedules: bool = True
    # moto's backends are process-wide: every moto server in one process shares one state. Tests
    # therefore pass their session server here (reset first) instead of starting a second one.
    shared_moto: MotoServer | None = None

    def __post_init__(self) -> None:
        self.moto: MotoServer | None = None
        self.aws: ProvisionedStack | None = None
        self.runner: LambdaRunner | None = None
        self.servers: dict[str, ServerThread] = {}

    def _check_ports(self) -> None:
        wanted = [(self.ports.api, "the API"), (self.ports.invoke, "Lambda invoke")]
        if self.shared_moto is None:
            wanted.append((self.ports.moto, "moto"))
        wanted += [(extra.port, extra.label) for extra in self.extra_apps]
        for port, purpose in wanted:
            if port and not port_is_free(port):
                raise PortBusy(port, purpose)

    def start(self) -> Self:
        self._check_ports()
        try:
            for extra in self.extra_apps:
                self.servers[extra.label] = ServerThread(extra.app, extra.port, extra.label)
            if self.shared_moto is None:
                self.moto = MotoServer(self.ports.moto)
                # A new server still sees the process-wide state earlier servers left behind.
                reset_moto(self.moto.endpoint)
            else:
                self.moto = self.shared_moto
            urls = {label: server.url for label, server in self.servers.items()}
            overrides = self.parameter_overrides
            if callable(overrides):
                overrides = overrides(urls)
            declared = load_template(self.template_path).get("Parameters") or {}
            local = {name: value for name, value in LOCAL_PARAMETERS.items() if name in declared}
            overrides = {**local, **(overrides or {})}
            self.aws = provision(self.template_path, self.moto.endpoint, overrides)
            self.runner = LambdaRunner(self.aws, speedup=self.speedup)
            invoke = ServerThread(InvokeEndpoint(self.runner), self.ports.invoke, "Lambda invoke")
            self.servers["invoke"] = invoke
            api = ServerThread(ApiGateway(self.runner, LOCAL_PAGES), self.ports.api, "the API")
            self.servers["api"] = api
            self.runner.set_local_environment(AWS_ENDPOINT_URL_LAMBDA=invoke.url, PUBLIC_BASE_URL=api.url)
            if self.poll_queues:
                self.runner.start_sqs()
            if self.run_schedules:
                self.runner.start_schedules()
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def api_url(self) -> str:
        return self.servers["api"].url

    @property
    def invoke_url(self) -> str:
        return self.servers["invoke"].url

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()
        for server in reversed(list(self.servers.values())):
            server.stop()
        self.servers.clear()
        if self.moto is not None and self.moto is not self.shared_moto:
            self.moto.stop()
            self.moto = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
