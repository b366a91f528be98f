"""Tests of the command line (`cyclemap.cli`): each command, errors, fuzzing."""
