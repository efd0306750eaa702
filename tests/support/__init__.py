"""What more than one test suite uses: stacks, worlds, seeds, fakes. Conftests hold fixtures only;
anything a test imports lives here.

* ``fixtures``: the moto, template and local-stack fixtures (a plugin loaded by tests/conftest.py).
* ``paths``: the repository's files tests read (template, fixture template).
* ``events``: the sample events in events/ and what a handler left on the SyncQueue.
* ``seeds``: the Fjord Lager company both simulators are seeded with for the ongoing sync.
* ``sync_world``: one tenant wired to both simulators in-process (``Env``), a Rackbeat user.
* ``sync_stack``: the same company on the local stack over real HTTP (``World``).
* ``import_harness``: the initial import in-process on the demo dataset (``Harness``).
* ``import_world``: the initial import through the onboarding API on the local stack.
* ``stack``: the onboarding stack driven over HTTP, its seeds and leak recorder.
* ``live_stack``: the demo dataset on the local stack (fuzz, isolation and leak suites).
* ``leaks``: the secret-leak scanner.
* ``lambda_context``: a fake Lambda context for handlers called in-process.
* ``virtual_clock``: simulator time that API clients' sleeps move forward.
* ``browser``: Debian's chromium through Playwright, and numbered screenshots.
* ``rackbeat_account``: the small Rackbeat account of the simulator suites, a webhook receiver.
* ``rackbeat_strategies``: hypothesis strategies for Rackbeat records.
* ``rb_to_tx_company``: the Nordlys Verktøy company the Rackbeat -> Tripletex suites use.
* ``tripletex_wire``: the Tripletex simulator behind a raw httpx client with a session.
"""
