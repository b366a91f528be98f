"""The journey format: the pydantic models a journey file must satisfy (`model`), the JSON
Schema generated from them (`schema`) and the starter journey `cyclemap init` writes
(`starter`). The bottom of the layers: below it only errors and the small helpers."""
