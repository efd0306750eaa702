"""The onboarding API over HTTP: Powertools routers the function's composition root includes.

- ``tenants``: the tenant lifecycle (profile, credentials, prerequisites, settings, token, delete)
- ``sync``: the initial import, failures and retry, sync-run history, webhook status
- ``wizard``: the wizard page and its assets; ``openapi``: the OpenAPI document
- ``errors``: the one place a domain error becomes an HTTP answer
- ``admission``: what runs on the raw event before any router (size, authorisation, encoding)
- ``routing``: what every route shares (the tenant path parameter, the documented answers)
- ``services``: the onboarding services the routes call, built on first use

Each router module exposes a factory, not a module-level ``Router``: a Router remembers the
resolver that included it, and the local runner loads one resolver per stack into one process.
"""
