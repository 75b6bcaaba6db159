"""`python -m orchestration.cli.entry` runs the same CLI as the `tributary` command."""

from orchestration.cli import main

if __name__ == "__main__":
    main()
