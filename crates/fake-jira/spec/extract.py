#!/usr/bin/env python3
"""Extract the Jira Cloud platform OpenAPI schemas fake-jira answers with.

Usage (from the repository root):

    python3 crates/fake-jira/spec/extract.py [SPEC] [OUT]

SPEC defaults to crates/fake-jira/spec/jira-platform-openapi.json, a committed copy of the
official spec (https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json;
the Jira Software spec beside it is
https://developer.atlassian.com/cloud/jira/software/swagger.v3.json), and OUT to
crates/fake-jira/spec/openapi-subset.json, which the schema test embeds with include_str!.

The subset keeps only the ROOTS below and every schema they reach through $ref, under
the same `components.schemas` path so `#/components/schemas/X` refs resolve unchanged.
A header `x-extracted` records the source file's sha256 and `info.version`, so a later
spec can be diffed and the subset regenerated.

OpenAPI 3.0 schema objects are not quite JSON Schema; two rewrites make a plain JSON
Schema validator read them the way Jira means them:

1. `nullable: true` becomes `type: [T, "null"]` (and `null` joins any `enum`); a
   nullable schema without `type` (e.g. `allOf: [$ref]`) becomes `anyOf: [X, null]`.
2. A property whose description says it "may be returned as null" is treated as
   nullable too: the spec documents the null in prose only (User.emailAddress and
   User.locale, hidden by the user's privacy settings).

Nothing else is changed (descriptions are kept so the subset stays readable).
"""

import copy
import hashlib
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPEC = os.path.join(HERE, "jira-platform-openapi.json")
DEFAULT_OUT = os.path.join(HERE, "openapi-subset.json")

# The answers fake-jira gives (and the request body it parses).
ROOTS = [
    "User",  # GET /myself
    "ServerInformation",  # GET /serverInfo
    "Permissions",  # GET /permissions, GET /mypermissions
    "UserPermission",
    "BulkPermissionsRequestBean",  # POST /permissions/check (request)
    "BulkPermissionGrants",  # POST /permissions/check (response)
    "PageBeanProject",  # GET /project/search
    "Project",
    "ErrorCollection",  # every 4xx/5xx JSON body
]

NULL_IN_PROSE = re.compile(r"returned as null", re.IGNORECASE)

# The operations ConnKeeper's audit calls, whose OAuth 2.0 scopes the subset records
# (`x-operation-scopes`): from the platform spec, and the Agile board list from the Jira
# Software spec (SOFTWARE_SPEC, beside the platform spec), which lists its scopes only in
# `security` (granular, no classic alternative).
OPERATIONS = [
    ("get", "/rest/api/3/myself"),
    ("get", "/rest/api/3/permissions"),
    ("post", "/rest/api/3/permissions/check"),
    ("get", "/rest/api/3/project/search"),
    ("get", "/rest/api/3/mypermissions"),
]
SOFTWARE_OPERATIONS = [("get", "/rest/agile/1.0/board")]


# An operation whose scopes changed says so in its description, after the structured
# `x-atlassian-oauth2-scopes` (which may still list the old ones), e.g. for
# permissions/check: "**Deprecation notice:** The required OAuth 2.0 scopes will be
# updated on June 15, 2024. * **Classic**: `read:jira-work` * **Granular**:
# `read:permission:jira`". The date has passed: the notice's scopes are the ones in force.
NOTICE = re.compile(
    r"\*\*Deprecation notice:\*\* The required OAuth 2\.0 scopes will be updated on "
    r"([A-Z][a-z]+ \d{1,2}, \d{4})\.(.*?)(?:\n\n(?! \*)|\Z)",
    re.S,
)


def notice_scopes(description):
    """(date, classic, granular) of a scope deprecation notice, or None."""
    m = NOTICE.search(description or "")
    if not m:
        return None
    body = m.group(2)
    classic = re.search(r"\*\*Classic\*\*: ([^\n]*)", body)
    granular = re.search(r"\*\*Granular\*\*: ([^\n]*)", body)
    ticks = lambda g: re.findall(r"`([^`]+)`", g.group(1)) if g else []
    return m.group(1), ticks(classic), ticks(granular)


def operation_scopes(spec, method, path):
    op = spec["paths"][path][method]
    classic, granular, granular_only = [], [], False
    for entry in op.get("x-atlassian-oauth2-scopes") or []:
        if entry.get("state") == "Current":
            classic = entry["scopes"]
        elif entry.get("state") == "Beta":
            granular = entry["scopes"]
    notice = notice_scopes(op.get("description"))
    # A notice without Classic/Granular labels (the Agile API's) only repeats `security`.
    if notice and (notice[1] or notice[2]):
        date, notice_classic, notice_granular = notice
        out = {
            "classic": notice_classic or classic,
            "granular": notice_granular or granular,
            "granularOnly": False,
            "deprecationNotice": date,
        }
        return out
    if not op.get("x-atlassian-oauth2-scopes"):
        for sec in op.get("security", []):
            if "OAuth2" in sec:
                granular = sec["OAuth2"]
                granular_only = True
    return {"classic": classic, "granular": granular, "granularOnly": granular_only}


def refs_in(node, acc):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                prefix = "#/components/schemas/"
                if not value.startswith(prefix):
                    raise SystemExit(f"unexpected $ref {value!r}")
                acc.add(value[len(prefix):])
            else:
                refs_in(value, acc)
    elif isinstance(node, list):
        for value in node:
            refs_in(value, acc)


def closure(schemas, roots):
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in schemas:
            raise SystemExit(f"schema {name!r} not in the spec")
        seen.add(name)
        found = set()
        refs_in(schemas[name], found)
        todo.extend(sorted(found - seen))
    return sorted(seen)


def allows_null(schema):
    types = schema.get("type")
    return types == "null" or (isinstance(types, list) and "null" in types) or "anyOf" in schema


def make_nullable(schema):
    """Return `schema` allowing null as well (rewrite 1)."""
    schema = dict(schema)
    schema.pop("nullable", None)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if "null" not in types:
            types = types + ["null"]
        schema["type"] = types
        if "enum" in schema and None not in schema["enum"]:
            schema["enum"] = schema["enum"] + [None]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def rewrite(node, counts):
    """Apply the nullable rewrites everywhere below `node`."""
    if isinstance(node, list):
        return [rewrite(v, counts) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "properties" and isinstance(value, dict):
            props = {}
            for name, prop in value.items():
                prop = rewrite(prop, counts)
                if (
                    isinstance(prop, dict)
                    and NULL_IN_PROSE.search(prop.get("description", ""))
                    and not allows_null(prop)
                ):
                    prop = make_nullable(prop)
                    counts["prose"] += 1
                props[name] = prop
            out[key] = props
        else:
            out[key] = rewrite(value, counts)
    if out.get("nullable") is True:
        counts["nullable"] += 1
        return make_nullable(out)
    out.pop("nullable", None)
    return out


def main():
    spec_path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SPEC
    out_path = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT
    with open(spec_path, "rb") as f:
        raw = f.read()
    spec = json.loads(raw)
    schemas = spec["components"]["schemas"]
    names = closure(schemas, ROOTS)
    counts = {"nullable": 0, "prose": 0}
    subset = {name: rewrite(copy.deepcopy(schemas[name]), counts) for name in names}
    doc = {
        "x-extracted": {
            "source": os.path.basename(spec_path),
            "sha256": hashlib.sha256(raw).hexdigest(),
            "openapi": spec.get("openapi"),
            "infoTitle": spec["info"].get("title"),
            "infoVersion": spec["info"].get("version"),
            "generator": "crates/fake-jira/spec/extract.py",
            "roots": ROOTS,
            "rewrites": {
                "nullableToTypeNull": counts["nullable"],
                "nullInDescriptionToTypeNull": counts["prose"],
            },
        },
        "components": {"schemas": subset},
        "x-operation-scopes": {
            f"{m.upper()} {p}": operation_scopes(spec, m, p) for m, p in OPERATIONS
        },
    }
    software_path = os.path.join(os.path.dirname(spec_path), "jira-software-openapi.json")
    with open(software_path, "rb") as f:
        software_raw = f.read()
    software = json.loads(software_raw)
    for m, p in SOFTWARE_OPERATIONS:
        doc["x-operation-scopes"][f"{m.upper()} {p}"] = operation_scopes(software, m, p)
    doc["x-extracted"]["softwareSource"] = os.path.basename(software_path)
    doc["x-extracted"]["softwareSha256"] = hashlib.sha256(software_raw).hexdigest()
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")
    print(
        f"wrote {out_path}: {len(names)} schemas from {os.path.basename(spec_path)} "
        f"(sha256 {doc['x-extracted']['sha256'][:12]}..., {counts['nullable']} nullable, "
        f"{counts['prose']} null-in-prose rewrites)"
    )


if __name__ == "__main__":
    main()
