"""Tests of the engine (`cyclemap.engine`): configuration, runs, links, baselines, --log."""
