"""`python -m newsroom` runs the command line."""

from newsroom.cli import main

main()
