"""The ``citykg`` command: verb-first subcommands gathered from the packages.

Each package registers its commands in a module listed in ``COMMAND_MODULES``
(a module exposes ``commands: list[click.Command]``), so this file stays small
and the work lives where it belongs.

    citykg build                 # the bundled corpus -> out/
    citykg query cities-running-reform --param reform=一网通办
    citykg viz overview -o out/overview.html
    citykg analogues 静默认证
"""

from __future__ import annotations

import importlib
import sys

import click

from citykg import __version__
from citykg.errors import CitykgError

COMMAND_MODULES = (
    "citykg.cli.build",  # build, extract
    "citykg.cli.validate",  # validate
    "citykg.cli.query",  # query, queries, serve, push
    "citykg.cli.viz",  # viz, export
    "citykg.cli.analogues",  # analogues
)


class CitykgGroup(click.Group):
    """The command group; turns a library ``CitykgError`` into click's one-line ``Error: ...``."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CitykgError as exc:
            raise click.ClickException(exc.message) from None


@click.group(cls=CitykgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citykg")
def cli() -> None:
    """citykg: a knowledge graph of Chinese smart-city and digital-government initiatives.

    Build the graph from articles, ask it SPARQL questions, explore it as
    interactive HTML and find cross-city policy analogues.

    \b
    Example:
        citykg build && citykg query cities-running-reform --param reform=一网通办
    """


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a package not written yet
            if exc.name == name:
                continue
            raise
        for command in module.commands:
            cli.add_command(command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns the exit code instead of exiting."""
    try:
        cli.main(args=argv, prog_name="citykg", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
