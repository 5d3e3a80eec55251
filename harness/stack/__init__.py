"""The user's SAM / CloudFormation template, read into plain specs (see ``template.py``)."""

from harness.stack.template import (
    LAMBDA_CONFIG_KEYS,
    TRIGGER_KEYS,
    ClientSpec,
    CloudFormationLoader,
    FunctionSpec,
    PoolSpec,
    Stack,
    TableSpec,
    TemplateError,
    fill_placeholders,
    load_stack,
    placeholder,
)

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
