"""The emulated Cognito API operations: one module per operation family.

Each operation is ``fn(ctx, params) -> response`` (a
:class:`~harness.emulator.context.CallContext` and the API's own parameter names), built from
:mod:`harness.emulator.flows`; :mod:`harness.emulator.service` lists them in ``OPERATIONS``.
"""
