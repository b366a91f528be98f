"""Tests of the journey graph (`cyclemap.graph`)."""
