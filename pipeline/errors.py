"""Errors that end the reading of one input with a one-line message for the user."""


class InputError(Exception):
    """The input cannot be read as a report (corrupt, encrypted, empty, unsupported...).

    The message is one line, shown to the user as is; the CLI exits with code 2.
    """
