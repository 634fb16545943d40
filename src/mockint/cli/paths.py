"""``mockint paths``: where mockint keeps its data, configuration and keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from mockint import paths
from mockint.cli import console, options
from mockint.cli.errors import command_app
from mockint.openai_compat.client import configured_server
from mockint.safetext import inert

LABELS = {
    "dataDir": "Data directory",
    "database": "Database",
    "configFile": "Config file",
    "keyFile": "Key file",
    "audioDir": "Recordings",
}


def show_paths(json: options.JsonOption = False) -> None:
    """Show where mockint keeps its data, configuration, keys and recordings.

    MOCKINT_HOME puts them all in one directory. The last lines name the server and
    models `--provider openai` uses.

    Examples:

    - `mockint paths`
    - `mockint paths --json`
    """
    where = paths.locations()
    if json:
        home = paths.home_override()  # MOCKINT_HOME, when it is set
        data = {name: str(path) for name, path in where.items()}
        console.print_json(
            {**data, "mockintHome": str(home) if home else None, "openai": configured_server()}
        )
        return
    table = Table.grid(padding=(0, 2))
    for name, path in where.items():
        state = Text("" if path.exists() else "(not created yet)", style="dim")
        # a path comes from MOCKINT_HOME or the environment: shown inert
        table.add_row(LABELS[name], Text(inert(str(path)), overflow="fold"), state)
    server = configured_server()
    shown = server["baseUrl"] or str(server["error"])
    table.add_row("OpenAI server", Text(inert(shown), overflow="fold"))
    questions, report = server["questionsModel"], server["reportModel"]
    if questions is not None and report is not None:
        models = questions if questions == report else f"{questions} (questions), {report} (report)"
        table.add_row("OpenAI model", Text(inert(models), overflow="fold"))
    console.show(table)


app = command_app("paths", show_paths)
