"""Helpers the tests share, one module per part they serve: `rules` (the rule tester),
`figures` (journeys written and analysed, random journeys), `render` and `geometry` (maps and
their shapes), `repo` (repositories with git), `mining` and `links` (journeys and logs used by
several tests), `hostile` (running the program on hostile input)."""
