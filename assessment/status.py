"""The three answers an element or a qualification can have, and how they rank (best first)."""

PRESENT, MISSING, UNKNOWN = "present", "missing", "unknown"
RANK = {PRESENT: 0, UNKNOWN: 1, MISSING: 2}
