class AlumniError(Exception):
    """An alumni rule said no; the message is meant for the person who asked."""
