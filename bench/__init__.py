"""``make bench``: the service measured against a bare gRPC server on the same machine, in one run.

The server under test and the load generator each run in their own process; the figures go to a
table on the terminal and to JSON under ``var/bench/`` (see ``docs/performance.md``).
"""
