"""`[mine]` in the configuration: how interaction logs are read. Declared here, beside the code
that reads logs; the configuration (`cyclemap.engine.config`) validates it as one of its
tables."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ColumnName = Annotated[str, Field(min_length=1)]


class MineFile(BaseModel):
    """`[mine]`: how interaction logs are read (`cyclemap mine`, `--log`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    case: ColumnName = "case_id"
    activity: ColumnName = "activity"
    timestamp: ColumnName = "timestamp"
    team: ColumnName | None = None
    channel: ColumnName | None = None
    timestamp_format: ColumnName | None = Field(None, alias="timestamp-format")
    """How the log writes times when not ISO 8601 (strftime codes: `%d/%m/%Y %H:%M`)."""
    activities: dict[str, str] = Field(default_factory=dict)
    """Log activity name -> step id, for logs whose activities are not step ids."""
    engine: Literal["duckdb", "spark"] = "duckdb"
    """Where the queries run: DuckDB, embedded, or Spark (`cyclemap[spark]`)."""
