"""Tests of event logs (`cyclemap.mining`): mining, calibration, both engines."""
