class BillingError(Exception):
    """A billing rule said no; the message is meant for the person who asked."""
