"""``python -m divert`` is the same as the ``divert`` command."""

from divert.cli import main

main()
