"""Copy the parts of ServiceTitan's published OpenAPI documents that Frontdesk implements.

The sandbox validates requests against these documents and the contract tests validate its responses
against them, so they are kept verbatim: only the operations listed in ``OPERATIONS`` and the components
they reference are kept, nothing is edited.

Usage: python scripts/vendor_openapi.py [SOURCE_DIR]   (default: ../shared/servicetitan/openapi)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OPERATIONS: dict[str, list[str]] = {
    "crm": [
        "Customers_GetList",
        "Customers_Get",
        "Customers_Create",
        "Customers_Update",
        "Customers_GetContactList",
        "Customers_CreateContact",
        "Customers_GetModifiedContactsList",
        "Locations_GetList",
        "Locations_Get",
        "Locations_Create",
        "Locations_Update",
        "Locations_GetContactList",
        "Locations_CreateContact",
        "Locations_GetLocationsContactsList",
        "ExportCustomers_GetCustomers",
        "ExportLocations_Locations",
        "Bookings_Create",
        "Bookings_GetList2",
        "Bookings_GetForProvider",
    ],
    "jpm": [
        "Jobs_GetList",
        "Jobs_Get",
        "Jobs_Create",
        "Jobs_Update",
        "Jobs_Cancel",
        "Jobs_Hold",
        "Jobs_Complete",
        "Jobs_RemoveCancellation",
        "Jobs_GetNotes",
        "Jobs_CreateNote",
        "Appointments_GetList",
        "Appointments_Get",
        "Appointments_Add",
        "Appointments_Reschedule",
        "Appointments_Hold",
        "Appointments_RemoveHold",
        "Appointments_Delete",
        "JobTypes_GetList",
        "JobTypes_Get",
        "JobCancelReasons_GetList",
        "JobHoldReasons_Get",
        "Export_Jobs",
        "Export_Appointments",
    ],
    "dispatch": [
        "Capacity_GetList",
        "TechnicianShifts_GetList",
        "TechnicianShifts_Get",
        "AppointmentAssignments_GetList",
        "AppointmentAssignments_AssignTechnicians",
        "AppointmentAssignments_UnassignTechnicians",
        "TechnicianTracking_Get",
        "BusinessHour_GetList",
    ],
    "settings": ["Technicians_GetList", "Technicians_Get", "BusinessUnits_GetList", "BusinessUnits_Get"],
    "accounting": ["Invoices_GetList", "Export_Invoices"],
    "memberships": ["CustomerMemberships_GetList", "CustomerMemberships_Get"],
    "marketing": ["Campaigns_GetList", "Campaigns_Get"],
}

DEST = Path(__file__).resolve().parent.parent / "src" / "frontdesk" / "sandbox" / "openapi"
METHODS = ("get", "post", "put", "patch", "delete")


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref)
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def trim(doc: dict[str, Any], operation_ids: list[str]) -> dict[str, Any]:
    wanted = set(operation_ids)
    paths: dict[str, Any] = {}
    for path, item in doc["paths"].items():
        kept = {m: op for m, op in item.items() if m in METHODS and op.get("operationId") in wanted}
        if kept:
            extra = {k: v for k, v in item.items() if k not in METHODS}
            paths[path] = {**extra, **kept}
            wanted -= {op["operationId"] for op in kept.values()}
    if wanted:
        raise SystemExit(f"operations not found in {doc['info']['title']}: {sorted(wanted)}")
    refs: set[str] = set()
    _refs(paths, refs)
    done: set[str] = set()
    components: dict[str, dict[str, Any]] = {}
    while refs - done:
        ref = sorted(refs - done)[0]
        done.add(ref)
        _, _, kind, name = ref.split("/", 3)
        node = doc["components"][kind][name]
        components.setdefault(kind, {})[name] = node
        _refs(node, refs)
    out = {k: v for k, v in doc.items() if k not in ("paths", "components")}
    out["paths"] = paths
    if "securitySchemes" in doc.get("components", {}):
        components["securitySchemes"] = doc["components"]["securitySchemes"]
    out["components"] = {kind: dict(sorted(items.items())) for kind, items in sorted(components.items())}
    return out


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/servicetitan/openapi")
    DEST.mkdir(parents=True, exist_ok=True)
    for module, ops in OPERATIONS.items():
        doc = json.loads((source / f"{module}-v2.json").read_text())
        trimmed = trim(doc, ops)
        (DEST / f"{module}.json").write_text(json.dumps(trimmed, indent=1, ensure_ascii=False) + "\n")
        print(
            f"{module}: {len(ops)} operations, {sum(len(v) for v in trimmed['components'].values())} components"
        )


if __name__ == "__main__":
    main()
