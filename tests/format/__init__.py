"""Tests of the journey format (`cyclemap.format`)."""
