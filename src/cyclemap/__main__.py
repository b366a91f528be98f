"""`python -m cyclemap`."""

from cyclemap.cli import main

main()
