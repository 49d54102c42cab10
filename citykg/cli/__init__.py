"""The ``citykg`` command: verb-first subcommands, loaded only when they run.

``LAZY_COMMANDS`` maps each command name to where it lives ("module:attribute")
and a one-line help for ``citykg --help``, so starting the CLI imports neither
the commands nor what they need (rdflib, jieba, networkx, the analogue finder):
``citykg --version`` and ``citykg query NAME`` start fast. A package may also
list a module in ``COMMAND_MODULES`` (it exposes ``commands: list[click.Command]``);
such a module is imported when the command list is needed.

Library code raises :class:`citykg.errors.CitykgError`; :class:`CitykgGroup`
turns it into click's one-line ``Error: ...`` (exit status 1) at the command
boundary, so no traceback reaches the user.

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

#: command name -> ("module:attribute", short help shown by ``citykg --help`` without importing it)
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("citykg.cli.build:build", "Build the graph from articles into OUT/citykg.trig."),
    "extract": ("citykg.cli.build:extract", "Print what citykg extracts from one article, without building."),
    "validate": ("citykg.cli.validate:validate", "Check a build: SHACL shapes, OWL consistency, QC queries."),
    "query": ("citykg.cli.query:query", "Run a SPARQL query: a saved name, a .rq file, SPARQL text or -."),
    "queries": ("citykg.cli.query:queries", "List the saved queries, or show one with its SPARQL."),
    "serve": ("citykg.cli.query:serve", "Serve the build as a read-only SPARQL endpoint with a query page."),
    "push": ("citykg.cli.query:push", "Upload every named graph to a triple store (SPARQL GSP)."),
    "viz": ("citykg.cli.viz:viz", "Write one self-contained HTML view of the build."),
    "export": ("citykg.cli.viz:export_cmd", "Export the build for Gephi/Cytoscape or as RDF/JSON data."),
    "analogues": ("citykg.cli.analogues:analogues", "Cross-city policy analogues of an initiative or city."),
    "adoption": ("citykg.cli.adoption:adoption_cmd", "The adoption ledger of a reform or of a city."),
    "conflicts": ("citykg.cli.adoption:conflicts_cmd", "Indicator values that disagree between articles."),
    "eval": ("citykg.cli.eval:eval_cmd", "Score a build against a gold file: entities, metrics, cities."),
}

#: Modules whose ``commands`` are added to the group; a command also in LAZY_COMMANDS loads lazily.
COMMAND_MODULES = (
    "citykg.cli.build",  # build, extract
    "citykg.cli.validate",  # validate
    "citykg.cli.query",  # query, queries, serve, push
    "citykg.cli.viz",  # viz, export
    "citykg.cli.analogues",  # analogues
    "citykg.cli.adoption",  # adoption, conflicts
    "citykg.cli.eval",  # eval
)


class CitykgGroup(click.Group):
    """A group that imports a command's module only when it runs, and translates citykg errors."""

    def _eager_modules(self) -> list[str]:
        lazy = {target.partition(":")[0] for target, _ in LAZY_COMMANDS.values()}
        return [m for m in COMMAND_MODULES if m not in lazy]

    def _load_eager(self) -> None:
        for name in self._eager_modules():
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:  # a package not written yet
                if exc.name == name:
                    continue
                raise
            for command in module.commands:
                if command.name not in self.commands:
                    self.add_command(command)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_eager()
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name in LAZY_COMMANDS:
            module_name, _, attr = LAZY_COMMANDS[cmd_name][0].partition(":")
            command = getattr(importlib.import_module(module_name), attr)
            self.commands[cmd_name] = command
            return command
        self._load_eager()
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with the short help of the table: listing loads no command module."""
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS and name not in self.commands:
                rows.append((name, LAZY_COMMANDS[name][1]))
            else:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

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


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns the exit code instead of exiting."""
    try:
        code = cli.main(args=argv, prog_name="citykg", standalone_mode=False)
        if isinstance(code, int):  # ctx.exit(2): click returns the code when not standalone
            return code
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
