from mockint.cli.app import main

main()
