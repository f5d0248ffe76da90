from qb_core.cli.main import main

main()
