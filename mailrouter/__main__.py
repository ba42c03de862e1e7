from mailrouter.cli import main

main()
