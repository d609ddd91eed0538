"""Developer operations behind the Makefile and the tests: starting and checking the local
stack (`stack`, `servers`, `ready`, `postgres`), demo data, a throw-away stack for the
browser tests (`devstack`) and screenshots.

May import anything the project installs; only tests, benchmarks and itself import it,
never the product's packages.
"""
