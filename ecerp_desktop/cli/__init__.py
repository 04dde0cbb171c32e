"""The headless command line, ``ecerp``. Each module here adds one group of subcommands."""
