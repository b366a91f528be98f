"""Tests of the renderers (`cyclemap.render`); helpers in `tests.support.render`."""
