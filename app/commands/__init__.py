"""Use cases that write: one command, one unit of work (see :mod:`app.unit_of_work`)."""
