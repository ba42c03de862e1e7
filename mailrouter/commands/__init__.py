"""One module per CLI command or command group; ``mailrouter.cli`` lists them."""
