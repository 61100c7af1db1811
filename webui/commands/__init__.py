"""Command groups of the `tdkt` CLI by area. Each module defines `register(main: click.Group)`."""
