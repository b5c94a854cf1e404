"""Instructor batch regrading: a whole class, in parallel, resumable (``regrade``)."""
