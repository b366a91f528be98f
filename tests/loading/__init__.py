"""Tests of loading (`cyclemap.loading`): reading, YAML nodes, imports, references, discovery."""
