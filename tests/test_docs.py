"""The README tells the truth: every command is documented, and the two set-up commands are there."""
from pathlib import Path

import click

from equisis.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def command_paths(group: click.Group, prefix=("equisis",)):
    for name, command in group.commands.items():
        path = prefix + (name,)
        if isinstance(command, click.Group):
            yield from command_paths(command, path)
        else:
            yield " ".join(path)


def test_every_cli_command_is_in_the_readme():
    missing = [path for path in command_paths(main) if f"`{path}" not in README]
    assert not missing, f"document these commands in README.md: {missing}"


def test_readme_keeps_the_run_and_test_commands():
    assert ".venv/bin/equisis serve --demo" in README
    assert ".venv/bin/python -m pytest" in README
