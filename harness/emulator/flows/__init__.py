"""What several API operations share: signing in, passwords, codes and messages, accounts,
user migration and custom authentication. Each flow works on a
:class:`~harness.emulator.context.CallContext`; operations are built from them.
"""
