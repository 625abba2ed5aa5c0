"""Validators for the vendor's v2 OpenAPI schemas (shared/contract/webapi-v2.openapi.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource

SPEC_NAME = "webapi-v2.openapi.json"
SPEC_PATH = Path(__file__).resolve().parent / "fixtures" / "contract" / SPEC_NAME
"""The vendor's spec, kept with the tests so a clone is self-contained; test_contract_copy checks
it against the team's shared copy whenever that sits beside the checkout."""
SHARED_SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "contract" / SPEC_NAME


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return data


def validator_for(schema_name: str) -> OAS30Validator:
    """A validator of ``#/components/schemas/<schema_name>`` with $refs resolved in the spec."""
    registry: Registry[Any] = Registry().with_resource("urn:spec", Resource.opaque(spec()))
    schema = {"$ref": f"urn:spec#/components/schemas/{schema_name}"}
    return OAS30Validator(schema, registry=registry)
