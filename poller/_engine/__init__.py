"""The engine: the one place that polls. It knows no resource by name.

A resource (:mod:`poller._resources`) is data: its Describe operation, the parser of its answer,
its acceptor table per target, how its absence is resolved, its events and default delays. The
engine sends the requests under an absolute deadline, judges each answer by the table, keeps the
books of the wait and emits its events.
"""
