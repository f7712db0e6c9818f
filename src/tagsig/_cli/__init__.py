"""The ``tagsig`` command line: arguments, commands, exit codes and error lines.

Layer 10. May import every other layer; nothing imports it but ``tagsig.__main__``.
"""
