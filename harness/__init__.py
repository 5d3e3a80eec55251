"""A faithful local Amazon Cognito for developing user-pool Lambda triggers."""

__version__ = "0.1.0"
