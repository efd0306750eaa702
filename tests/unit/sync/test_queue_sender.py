"""The one SQS batch sender: ten a call, failed entries sent again only as often as asked."""

from __future__ import annotations

from typing import Any

from rackbeat_tripletex.store.queue import send_bodies


class FlakySqs:
    """Refuses the entries whose body is in ``refuse`` the first ``times`` times it sees them."""

    def __init__(self, refuse: set[str], times: int) -> None:
        self.refuse = refuse
        self.times = times
        self.seen: dict[str, int] = {}
        self.calls: list[list[str]] = []
        self.groups: list[str | None] = []

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, str]]) -> dict[str, Any]:
        self.calls.append([e["MessageBody"] for e in Entries])
        self.groups.extend(e.get("MessageGroupId") for e in Entries)
        failed = []
        for entry in Entries:
            body = entry["MessageBody"]
            self.seen[body] = self.seen.get(body, 0) + 1
            if body in self.refuse and self.seen[body] <= self.times:
                failed.append({"Id": entry["Id"], "Code": "InternalError"})
        return {"Failed": failed}


def test_bodies_go_ten_a_call() -> None:
    sqs = FlakySqs(set(), 0)
    assert send_bodies(sqs, "q", [str(i) for i in range(23)]) == 0
    assert [len(call) for call in sqs.calls] == [10, 10, 3]


def test_a_refused_entry_is_sent_again_only_when_asked() -> None:
    once = FlakySqs({"3"}, 1)
    assert send_bodies(once, "q", ["1", "2", "3"]) == 1
    again = FlakySqs({"3"}, 1)
    assert send_bodies(again, "q", ["1", "2", "3"], attempts=2) == 0
    assert again.calls == [["1", "2", "3"], ["3"]]
    stubborn = FlakySqs({"2", "3"}, 5)
    assert send_bodies(stubborn, "q", ["1", "2", "3"], attempts=2) == 2


def test_each_message_carries_its_tenant_as_message_group_so_the_queue_is_fair() -> None:
    sqs = FlakySqs({"b-1"}, 1)
    bodies = [f"{tenant}-{n}" for tenant in "ab" for n in range(7)]
    groups = [body.split("-")[0] for body in bodies]
    assert send_bodies(sqs, "q", bodies, attempts=2, groups=groups) == 0
    # Resent entries keep their group.
    assert sqs.groups == [*groups, "b"]
    ungrouped = FlakySqs(set(), 0)
    send_bodies(ungrouped, "q", ["x"])
    assert ungrouped.groups == [None]
