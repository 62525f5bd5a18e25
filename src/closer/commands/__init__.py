"""One module per `closer` subcommand, each with `run(args) -> int`."""
