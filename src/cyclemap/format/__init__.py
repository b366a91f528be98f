"""The journey format: the pydantic models a journey file must satisfy (`model`) and the JSON
Schema generated from them (`schema`). The bottom layer: it imports nothing of cyclemap."""
