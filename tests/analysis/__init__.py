"""Tests of the flow figures and quick wins (`cyclemap.analysis`, and the graph's flow model)."""
