"""Test-wide setup.

Powertools (idempotency) and boto3 clients created at import time read credentials, region and
endpoint when a handler module is imported, so fake ones are set here, before anything else.
"""

import os

os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
os.environ["AWS_DEFAULT_REGION"] = "eu-west-1"
os.environ["AWS_REGION"] = "eu-west-1"
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "rackbeat-tripletex-tests")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "RackbeatTripletexTests")
os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"
