"""How a large file is cut into parts, and whether the parts storage holds fit that cut.

Pure arithmetic, shared by starting (the ticket says the part size), signing (which part
numbers exist), the put rule (how big each part may be) and completion (are they all there).
"""

from __future__ import annotations

from dataclasses import dataclass

from rdrive_app.storage.protocols import UploadedPart

MIB = 1024 * 1024
PART_FLOOR = 8 * MIB  # parts are at least this big (S3 wants >= 5 MiB)
MAX_PARTS = 10_000  # S3's limit, which sets the part size of very large files


@dataclass(frozen=True, slots=True)
class PartPlan:
    """How a file is cut: ``part_count`` parts of ``part_size`` bytes, the last one shorter."""

    size: int
    part_size: int
    part_count: int

    def expected(self, number: int) -> int:
        """The exact size of part ``number`` (1-based)."""
        if number < self.part_count:
            return self.part_size
        return self.size - self.part_size * (self.part_count - 1)


def plan_parts(size: int, floor: int = PART_FLOOR) -> PartPlan:
    """max(size / 10 000, floor), rounded up to a whole MiB when above the floor."""
    part = max(-(-size // MAX_PARTS), floor)
    if part > floor:
        part = -(-part // MIB) * MIB
    return PartPlan(size=size, part_size=part, part_count=max(1, -(-size // part)))


@dataclass(frozen=True, slots=True)
class MultipartPolicy:
    """Which files go in parts (larger than ``threshold``) and the smallest part size."""

    threshold: int
    floor: int = PART_FLOOR

    def applies(self, size: int) -> bool:
        return size > self.threshold

    def plan(self, size: int) -> PartPlan:
        return plan_parts(size, self.floor)


def parts_problem(held: list[UploadedPart], plan: PartPlan) -> str | None:
    """What is wrong with the held parts for this plan, in words, or None when they fit."""
    numbers = {p.number for p in held}
    extra = sorted(n for n in numbers if n > plan.part_count)
    if extra:
        return f"part {extra[0]} is beyond the {plan.part_count} parts announced"
    missing = [n for n in range(1, plan.part_count + 1) if n not in numbers]
    if missing:
        shown = ", ".join(map(str, missing[:5])) + (", …" if len(missing) > 5 else "")
        return f"{len(missing)} of {plan.part_count} parts are missing ({shown})"
    for p in held:
        want = plan.expected(p.number)
        if p.size != want:
            return f"part {p.number} is {p.size} bytes but should be {want}"
    total = sum(p.size for p in held)
    if total != plan.size:
        return f"the parts add up to {total} bytes but {plan.size} were declared"
    return None
