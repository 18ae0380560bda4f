class Conflict(Exception):
    """An edit based on an out-of-date copy; nothing was changed."""
