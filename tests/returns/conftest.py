"""The web fixtures of the accounts tests (an app with a coordinator and force users), shared
with the reporting cycle's web tests."""

from tests.accounts.webapp import anon, app, coordinator, kent_analyst  # noqa: F401
