"""Paced rollouts: many account assignments, or provisionings, inside the service's limits.

``poller.apply_account_assignments`` and ``poller.provision_permission_sets`` (DESIGN.md,
"Rolling out at the service's limits"). The plan and its outcomes are light values, imported
with the package; the rollouts themselves pull in the engine, and are imported on first use.
"""
