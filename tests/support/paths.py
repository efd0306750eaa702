"""Files of the repository that tests read."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "template.yaml"
RUNNER_TEMPLATE = REPO / "tests" / "fixtures" / "runner_template" / "template.yaml"
CONTAINERS_TEMPLATE = REPO / "tests" / "fixtures" / "runner_containers" / "template.yaml"
