from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from leora.metrics.formula.parser import MAX_LENGTH
from leora.metrics.models import CODE_MAX_LENGTH, CODE_RULE, LABEL_MAX_LENGTH, NAME_MAX_LENGTH, MetricKind
from leora.pagination import ListParams

# The parser refuses a formula over MAX_LENGTH with the position where it goes over; this bound
# only keeps bodies far beyond that from being parsed at all.
FORMULA_MAX_INPUT = 2 * MAX_LENGTH


class MetricOut(Schema):
    code: str
    name: str
    description: str
    kind: str
    entity: str
    formula: str
    unit: str
    format: str
    version: int = Field(..., alias="current_version")
    change_note: str
    updated_by: str | None = Field(None, alias="updated_by_email")
    created_at: datetime
    updated_at: datetime
    deprecated: bool
    deprecated_at: datetime | None
    deprecated_by: str | None = Field(None, alias="deprecated_by_email")
    deprecation_reason: str


class VersionOut(Schema):
    version: int
    name: str
    description: str
    kind: str
    formula: str
    unit: str
    format: str
    change_note: str
    created_by: str | None
    created_at: datetime

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        return obj.created_by.email if obj.created_by_id else None


class MetricDetailOut(MetricOut):
    history: list[VersionOut]


class MetricIn(Schema):
    code: str = Field(..., max_length=CODE_MAX_LENGTH, description=CODE_RULE)
    name: str = Field(..., max_length=NAME_MAX_LENGTH)
    kind: MetricKind
    formula: str = Field(..., max_length=FORMULA_MAX_INPUT)
    description: str = ""
    unit: str = Field("", max_length=LABEL_MAX_LENGTH)
    format: str = Field("", max_length=LABEL_MAX_LENGTH)
    change_note: str = ""


class MetricPatch(Schema):
    name: str | None = Field(None, max_length=NAME_MAX_LENGTH)
    kind: MetricKind | None = None
    formula: str | None = Field(None, max_length=FORMULA_MAX_INPUT)
    description: str | None = None
    unit: str | None = Field(None, max_length=LABEL_MAX_LENGTH)
    format: str | None = Field(None, max_length=LABEL_MAX_LENGTH)
    change_note: str = ""
    expected_version: int | None = Field(
        None, description="the version you edited; 409 if it is no longer current"
    )


class RestoreVersionIn(Schema):
    expected_version: int | None = None


class MetricFilters(ListParams):
    kind: MetricKind | None = None
    include_deprecated: bool = False


class ValidateIn(Schema):
    formula: str = Field(..., max_length=FORMULA_MAX_INPUT)
    kind: MetricKind = MetricKind.SEGMENT
    code: str | None = Field(None, description="the metric being edited, so references to itself are cycles")


class FormulaErrorOut(Schema):
    message: str
    line: int
    column: int
    expected: list[str]


class ValidateOut(Schema):
    ok: bool
    type: str | None
    attributes: list[str]
    errors: list[FormulaErrorOut]
    builder: dict[str, Any] | None = Field(
        None, description="a segment formula as the builder's nested groups of rows (left, op, value)"
    )


class PreviewIn(Schema):
    formula: str | None = Field(None, max_length=FORMULA_MAX_INPUT)
    kind: MetricKind = MetricKind.SEGMENT
    code: str | None = None
    today: str | None = Field(None, description="evaluate as of this date (YYYY-MM-DD); default: today")


class SampleOut(Schema):
    id: int
    name: str
    account_number: str
    value: float | int | None = None
    attributes: dict[str, Any]


class PreviewOut(Schema):
    kind: str
    type: str
    count: int
    total: int
    samples: list[SampleOut]
    attributes: list[str]
    elapsed_ms: float
    sql: str | None


class DiffChange(Schema):
    field: str
    before: str
    after: str


class DiffPart(Schema):
    op: Literal["equal", "delete", "insert"]
    text: str


class DiffOut(Schema):
    code: str
    from_version: VersionOut
    to_version: VersionOut
    changes: list[DiffChange]
    formula_diff: list[DiffPart]


class TemplateOut(Schema):
    code: str
    name: str
    kind: str
    formula: str
    description: str
    unit: str
    format: str
    installed: bool


class AttributeOut(Schema):
    name: str
    type: str
    unit: str
    description: str
    choices: list[str]


class ErrorBody(Schema):
    detail: str
    errors: list[dict[str, Any]]


class ImportReportOut(Schema):
    applied: bool
    created: list[str]
    changed: list[dict[str, Any]]
    unchanged: list[str]
    errors: list[dict[str, Any]]
