"""`python -m cyclemap`."""

from cyclemap.launcher import main

main()
