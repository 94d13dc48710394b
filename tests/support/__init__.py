"""Helpers shared by test modules (conftest files hold fixtures only; test modules import from here, never from
one another).

- builders: workshop definitions (groups, items, activities) and the workshops several packages share
- api: the JSON client, facilitator and participant helpers, problem checks, CSV reading, schema checks
- reference: an independent reference of the matrix results document
- pages: the HTML pages through the test client (CSRF tokens, phone pages, console pages, accounts)
- browser: Chromium's launch arguments and the phone, taps and sign-in in Playwright
- realtime: Socket.IO events and the vote that causes them
- services: the every-type workshop built through the services
- reports: the export tests' votes and spreadsheet reading
- database, environment, server: migrations and databases, local services, the real server in a subprocess
- a11y: axe-core and a room on the live server; waiting: polling without fixed sleeps
"""
