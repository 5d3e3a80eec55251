"""The AWS SDK for JavaScript v2 pointed at the emulated AWS, as ``AWS_ENDPOINT_URL`` points v3.

A Node.js trigger's AWS calls must reach the AWS the harness emulates (the tables it seeded,
the pool's KMS key) as they reach AWS in Lambda. The runtime gets ``AWS_ENDPOINT_URL``, which
the AWS SDK for JavaScript v3 reads; v2 does not (the AWS SDKs and Tools reference,
"Service-specific endpoints", lists v3 only), so a trigger that packages ``aws-sdk`` v2, or a
library that brings it (``@aws-crypto/client-node`` 3.x decrypts custom-sender codes with v2's
KMS client), reached AWS's own endpoints: no answer without a network, a refusal of the fake
credentials with one.

``--require harness-aws-sdk-v2.cjs`` does for v2 what the variable does for v3: when a copy of
v2 is loaded (``require`` or ``import`` of ``aws-sdk`` or ``aws-sdk/clients/...``, by the
function or a library), its global configuration gets ``endpoint: AWS_ENDPOINT_URL`` (and
path-style S3 addressing, which a local endpoint needs), as a developer would write
``AWS.config.update({endpoint})`` for a local AWS. An endpoint the code gives a client itself
still wins, as with v3. Without
``AWS_ENDPOINT_URL`` (``--invoke sam`` with a template that does not declare it) nothing
changes.
"""

from __future__ import annotations

from typing import Final

#: The preload, written beside the Node.js tools (see the module docstring).
SDK_V2_CJS: Final = """\
// Written by cognito-trigger-harness: the AWS SDK for JavaScript v2 ignores AWS_ENDPOINT_URL;
// point each loaded copy of it there (see harness/invokers/node_sdk_v2.py).
"use strict";
const Module = require("node:module");

const endpoint = process.env.AWS_ENDPOINT_URL;
if (endpoint) {
  // v2's Node.js entry points all load lib/node_loader.js, which creates the global AWS.config
  // of its copy of the SDK; required or imported, by the function or by a library.
  const loader = /[\\\\/]aws-sdk[\\\\/]lib[\\\\/]node_loader\\.js$/;
  const load = Module.prototype.load;
  Module.prototype.load = function (filename) {
    load.call(this, filename);
    if (loader.test(filename)) {
      const AWS = this.require("./core");
      if (AWS && AWS.config && typeof AWS.config.update === "function") {
        AWS.config.update({ endpoint, s3ForcePathStyle: true });
      }
    }
  };
}
"""

FILES: Final = {"harness-aws-sdk-v2.cjs": SDK_V2_CJS}
