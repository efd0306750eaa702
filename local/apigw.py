"""API Gateway (REST, v1 proxy integration) in front of the runner, plus the Lambda Invoke API.

The API is served at the root: ``http://127.0.0.1:3000/tenants`` is what a deployed stage serves
at ``https://{api}.execute-api.../{Stage}/tenants``. Events still carry the stage in
``requestContext.stage`` and ``requestContext.path``, as API Gateway's do. Every ``Api`` event of
every function is served by one server, whatever its ``RestApiId``.
"""

from __future__ import annotations

import base64
import datetime as dt
import fnmatch
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from local.cfn import ACCOUNT_ID
from local.runner import FunctionNotFound, LambdaFunction, LambdaRunner

LocalPage = Callable[[Request], Response]

_LITERAL, _PARAMETER, _GREEDY = 0, 1, 2


@dataclass(frozen=True)
class Route:
    function: LambdaFunction
    event_name: str
    resource: str
    method: str  # upper case, or "ANY"
    stage: str
    stage_variables: dict[str, str] | None
    binary_media_types: tuple[str, ...]
    api: str | None = None  # the AWS::Serverless::Api's logical id; None for the implicit API

    @property
    def segments(self) -> list[str]:
        return [s for s in self.resource.split("/") if s]

    def match(self, path: str) -> dict[str, str] | None:
        """Path parameters if `path` matches this resource, else None."""
        parts = [p for p in path.split("/") if p]
        parameters: dict[str, str] = {}
        segments = self.segments
        for index, segment in enumerate(segments):
            if segment.startswith("{") and segment.endswith("+}"):
                rest = parts[index:]
                if not rest:
                    return None
                parameters[segment[1:-2]] = "/".join(rest)
                return parameters
            if index >= len(parts):
                return None
            if segment.startswith("{") and segment.endswith("}"):
                parameters[segment[1:-1]] = parts[index]
            elif segment != parts[index]:
                return None
        return parameters if len(parts) == len(segments) else None

    def specificity(self) -> tuple[Any, ...]:
        kinds = [
            _GREEDY if s.endswith("+}") else _PARAMETER if s.startswith("{") else _LITERAL
            for s in self.segments
        ]
        # Literal segments beat {param}, which beats {proxy+}; then a named method beats ANY.
        return (kinds, -len(kinds), self.method == "ANY")

    def is_binary(self, content_type: str) -> bool:
        media_type = content_type.split(";")[0].strip().lower()
        return any(fnmatch.fnmatch(media_type, pattern.lower()) for pattern in self.binary_media_types)


@dataclass(frozen=True)
class ThrottleSetting:
    rate: float  # requests per second, refilled continuously
    burst: float  # the bucket's size


class TokenBucket:
    """One method's throttle, as API Gateway keeps one per method: full at start, refilled at
    ``rate`` per second up to ``burst``; a request takes one token or is answered 429."""

    def __init__(self, setting: ThrottleSetting, clock: Callable[[], float] = time.monotonic) -> None:
        self.setting = setting
        self._clock = clock
        self._tokens = setting.burst
        self._at = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.setting.burst, self._tokens + (now - self._at) * self.setting.rate)
            self._at = now
            if self._tokens < 1:
                return False
            self._tokens -= 1
            return True


def _method_settings(props: Mapping[str, Any]) -> dict[tuple[str, str], ThrottleSetting]:
    """Throttles of an AWS::Serverless::Api's MethodSettings by (resource path, METHOD);
    ("/*", "*") is the default every other method gets its own bucket of."""
    settings = {}
    for entry in props.get("MethodSettings") or []:
        if "ThrottlingRateLimit" not in entry and "ThrottlingBurstLimit" not in entry:
            continue
        # CloudFormation writes a resource path after a leading "/" with each of its own "/" as
        # "~1" (a JSON pointer escape): "/~1tenants" is /tenants.
        path = str(entry.get("ResourcePath", "/*"))
        path = "/*" if path == "/*" else path.removeprefix("/").replace("~1", "/")
        method = str(entry.get("HttpMethod", "*")).upper()
        settings[(path, method)] = ThrottleSetting(
            rate=float(entry.get("ThrottlingRateLimit", 10000)),
            burst=float(entry.get("ThrottlingBurstLimit", 5000)),
        )
    return settings


class Throttles:
    """Method-level throttling from the template: a route's own (resource, method) setting, else
    the stage default; routes without either are not throttled."""

    def __init__(self, settings_by_api: Mapping[str, dict[tuple[str, str], ThrottleSetting]]) -> None:
        self._settings = settings_by_api
        self._buckets: dict[tuple[str, str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def admit(self, route: Route) -> bool:
        settings = self._settings.get(route.api or "", {})
        setting = settings.get((route.resource, route.method)) or settings.get(("/*", "*"))
        if setting is None:
            return True
        key = (route.api or "", route.resource, route.method)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(setting)
        return bucket.take()


def _api_properties(runner: LambdaRunner) -> dict[str, dict[str, Any]]:
    """The resolved properties of each AWS::Serverless::Api, by logical id."""
    resolver = runner.stack.resolver()
    return {
        logical_id: resolver.resolve(resource.get("Properties") or {})
        for logical_id, resource in runner.stack.template["Resources"].items()
        if resource.get("Type") == "AWS::Serverless::Api" and logical_id in runner.stack.physical
    }


def throttles_of(runner: LambdaRunner) -> Throttles:
    return Throttles({lid: _method_settings(props) for lid, props in _api_properties(runner).items()})


def _api_settings(runner: LambdaRunner) -> dict[str, tuple[str, dict[str, str] | None, tuple[str, ...]]]:
    """Stage, stage variables and binary media types of each AWS::Serverless::Api, by logical id."""
    settings = {}
    for logical_id, props in _api_properties(runner).items():
        # SAM spells "/" in media types as "~1" (a JSON pointer escape).
        binary = tuple(str(t).replace("~1", "/") for t in props.get("BinaryMediaTypes") or [])
        settings[logical_id] = (str(props.get("StageName", "Prod")), props.get("Variables"), binary)
    return settings


def routes_of(runner: LambdaRunner) -> list[Route]:
    settings = _api_settings(runner)
    by_api_ref = {runner.stack.physical[lid].ref: value for lid, value in settings.items()}
    logical_of_ref = {runner.stack.physical[lid].ref: lid for lid in settings}
    implicit = ("Prod", None, ())
    routes = []
    for function in runner.functions.values():
        for event_name, event in function.events_of_type("Api").items():
            props = event.get("Properties") or {}
            api = props.get("RestApiId")
            stage, variables, binary = by_api_ref.get(str(api), implicit) if api else implicit
            method = str(props.get("Method", "ANY")).upper()
            routes.append(
                Route(
                    function,
                    event_name,
                    str(props["Path"]),
                    method,
                    stage,
                    variables,
                    binary,
                    logical_of_ref.get(str(api)) if api else None,
                )
            )
    return sorted(routes, key=Route.specificity)


def _json_response(status: int, document: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(document), status=status, headers=headers, content_type="application/json")


class ApiGateway:
    """WSGI app: API Gateway REST proxy events in, the handler's proxy reply out."""

    def __init__(self, runner: LambdaRunner, local_pages: Mapping[str, LocalPage] | None = None) -> None:
        self.runner = runner
        self.routes = routes_of(runner)
        self.throttles = throttles_of(runner)
        self.local_pages = dict(local_pages or {})

    def route_for(self, path: str, method: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method not in {method, "ANY"}:
                continue
            parameters = route.match(path)
            if parameters is not None:
                return route, parameters
        return None

    def event(self, request: Request, route: Route, path_parameters: dict[str, str]) -> dict[str, Any]:
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for name, value in request.headers.items():
            headers[name] = value
            multi_headers.setdefault(name, []).append(value)
        query: dict[str, str] = {}
        multi_query: dict[str, list[str]] = {}
        for name, values in request.args.lists():
            query[name] = values[-1]  # API Gateway keeps the last of repeated parameters
            multi_query[name] = list(values)
        raw_body = request.get_data(cache=True)
        body: str | None = None
        is_base64 = False
        if raw_body:
            if route.is_binary(request.content_type or ""):
                body, is_base64 = base64.b64encode(raw_body).decode(), True
            else:
                try:
                    body = raw_body.decode("utf-8")
                except UnicodeDecodeError:
                    # Locally any non-text body is passed as binary, whatever BinaryMediaTypes says.
                    body, is_base64 = base64.b64encode(raw_body).decode(), True
        now = dt.datetime.now(dt.UTC)
        request_id = str(uuid.uuid4())
        path = request.path
        return {
            "resource": route.resource,
            "path": path,
            "httpMethod": request.method,
            "headers": headers or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": path_parameters or None,
            "stageVariables": route.stage_variables or None,
            "requestContext": {
                "accountId": ACCOUNT_ID,
                "apiId": "local",
                "resourceId": "local",
                "resourcePath": route.resource,
                "httpMethod": request.method,
                "path": f"/{route.stage}{path}",
                "stage": route.stage,
                "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "requestId": request_id,
                "extendedRequestId": request_id,
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "requestTimeEpoch": int(now.timestamp() * 1000),
                "domainName": request.host,
                "identity": {
                    "sourceIp": request.remote_addr or "127.0.0.1",
                    "userAgent": request.user_agent.string or None,
                    "accountId": None,
                    "caller": None,
                    "user": None,
                    "userArn": None,
                    "apiKey": None,
                    "accessKey": None,
                    "cognitoIdentityId": None,
                    "cognitoIdentityPoolId": None,
                    "cognitoAuthenticationType": None,
                    "cognitoAuthenticationProvider": None,
                },
            },
            "body": body,
            "isBase64Encoded": is_base64,
        }

    @staticmethod
    def response(reply: Any) -> Response:
        if not isinstance(reply, dict) or "statusCode" not in reply:
            return _json_response(502, {"message": "Internal server error"})
        headers = Headers()
        for name, value in (reply.get("headers") or {}).items():
            headers[name] = str(value)
        for name, values in (reply.get("multiValueHeaders") or {}).items():
            if name in (reply.get("headers") or {}):
                headers.remove(name)
            for value in values:
                headers.add(name, str(value))
        body = reply.get("body")
        if body is None:
            data = b""
        elif reply.get("isBase64Encoded"):
            data = base64.b64decode(body)
        else:
            data = str(body).encode("utf-8")
        if "Content-Type" not in headers:
            headers["Content-Type"] = "application/json"
        return Response(data, status=int(reply["statusCode"]), headers=headers)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        page = self.local_pages.get(request.path)
        if page is not None:
            return page(request)(environ, start_response)
        found = self.route_for(request.path, request.method.upper())
        if found is None:
            response = _json_response(
                403,
                {"message": "Missing Authentication Token"},
                {"x-amzn-ErrorType": "MissingAuthenticationTokenException"},
            )
            return response(environ, start_response)
        route, parameters = found
        if not self.throttles.admit(route):
            # API Gateway's own answer when a method's bucket is empty; the function never runs.
            response = _json_response(
                429, {"message": "Too Many Requests"}, {"x-amzn-ErrorType": "TooManyRequestsException"}
            )
            return response(environ, start_response)
        result = self.runner.invoke(
            route.function,
            self.event(request, route, parameters),
            trigger=f"api:{request.method} {route.resource}",
        )
        response = (
            self.response(result.payload)
            if result.ok
            else _json_response(502, {"message": "Internal server error"})
        )
        return response(environ, start_response)


# --------------------------------------------------------------------------- Lambda Invoke API

_INVOKE_PATH = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)/invocations$")


class InvokeEndpoint:
    """``POST /2015-03-31/functions/{FunctionName}/invocations``, enough for boto3's ``invoke``."""

    def __init__(self, runner: LambdaRunner) -> None:
        self.runner = runner

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        return self.handle(request)(environ, start_response)

    def handle(self, request: Request) -> Response:
        match = _INVOKE_PATH.match(request.path)
        if match is None or request.method != "POST":
            return _json_response(
                404,
                {"Type": "User", "message": "Not found"},
                {"x-amzn-ErrorType": "ResourceNotFoundException"},
            )
        name = unquote(match.group("name"))
        try:
            function = self.runner.function(name)
        except FunctionNotFound:
            return _json_response(
                404,
                {"Type": "User", "message": f"Function not found: {name}"},
                {"x-amzn-ErrorType": "ResourceNotFoundException"},
            )
        raw = request.get_data()
        try:
            event = json.loads(raw) if raw else {}
        except ValueError:
            return _json_response(
                400,
                {"Type": "User", "message": "Could not parse request body into json"},
                {"x-amzn-ErrorType": "InvalidRequestContentException"},
            )
        invocation_type = request.headers.get("X-Amz-Invocation-Type", "RequestResponse")
        if invocation_type == "DryRun":
            return Response(status=204)
        if invocation_type == "Event":
            self.runner.invoke_async(function, event)
            return Response(status=202)
        result = self.runner.invoke(function, event, trigger="invoke", invoked_arn=function.arn)
        headers = {"X-Amz-Executed-Version": "$LATEST"}
        if not result.ok:
            headers["X-Amz-Function-Error"] = "Unhandled"
            return _json_response(200, result.error, headers)
        return _json_response(200, result.payload, headers)
