"""The Docker-free local stack: moto provisioned from template.yaml, an in-process Lambda runner,
API Gateway and Lambda Invoke emulation, and the API simulators (``python -m local``)."""
