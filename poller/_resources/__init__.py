"""The resources poller waits on, each a :class:`~poller._engine._resource.Resource` value.

Adding one is a description parser, a state table and tests: the engine polls them all.
"""
