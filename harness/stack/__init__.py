"""The user's SAM / CloudFormation template, read into plain specs.

``yaml_loader`` parses it, ``symbols`` (Ref, Fn::GetAtt, parameters) and ``intrinsics`` (one
handler per intrinsic function) resolve it, ``builder`` extracts the functions, tables, pools
and clients into the types of ``specs``.
"""

from harness.cognito.triggers import LAMBDA_CONFIG_KEYS, TRIGGER_KEYS
from harness.stack.errors import TemplateError
from harness.stack.loader import load_stack
from harness.stack.specs import (
    ClientSpec,
    FunctionSpec,
    PoolSpec,
    Stack,
    TableSpec,
    fill_placeholders,
    placeholder,
)
from harness.stack.yaml_loader import CloudFormationLoader

__all__ = [
    "LAMBDA_CONFIG_KEYS",
    "TRIGGER_KEYS",
    "ClientSpec",
    "CloudFormationLoader",
    "FunctionSpec",
    "PoolSpec",
    "Stack",
    "TableSpec",
    "TemplateError",
    "fill_placeholders",
    "load_stack",
    "placeholder",
]
