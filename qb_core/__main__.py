from qb_core.cli import main

main()
