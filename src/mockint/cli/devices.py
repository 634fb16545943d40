"""``mockint devices``: the microphones and speakers PortAudio sees."""

from __future__ import annotations

from rich.table import Table

from mockint.cli import console, options
from mockint.cli.errors import command_app
from mockint.voice.devices import Device, list_devices

NO_DEVICES = (
    "No sound devices found. Answer from recorded files with --answers-audio DIR, "
    "or type with --mode text."
)


def devices(json: options.JsonOption = False) -> None:
    """List the microphones and speakers, with the index or name that --input-device and --output-device take.

    The Default column marks the system's default input (in) and output (out).

    Examples:

    - `mockint devices`
    - `mockint devices --json`
    """
    found = list_devices()
    if json:
        console.print_json([device.dump() for device in found])
    else:
        console.show(table(found))
    if not found:
        console.note(NO_DEVICES)


def table(found: list[Device]) -> Table:
    """The devices as a table that fits 80 columns (long names wrap)."""
    view = Table(box=None, header_style="bold", pad_edge=False)
    view.add_column("#", justify="right", no_wrap=True)
    view.add_column("Name", overflow="fold", ratio=1)
    view.add_column("Host API", overflow="fold", max_width=12)
    view.add_column("In", justify="right", no_wrap=True)
    view.add_column("Out", justify="right", no_wrap=True)
    view.add_column("Rate (Hz)", justify="right", no_wrap=True)
    view.add_column("Default", no_wrap=True)
    for device in found:
        marks = [
            k for k, on in (("in", device.default_input), ("out", device.default_output)) if on
        ]
        view.add_row(
            str(device.index),
            console.user_text(device.name),
            console.user_text(device.host_api),
            str(device.input_channels),
            str(device.output_channels),
            str(device.default_rate),
            ", ".join(marks),
        )
    return view


app = command_app("devices", devices)
