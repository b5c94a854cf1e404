"""The instructor's loop after a batch is graded: answer groups, decisions, overrides, the late
policy and late-day bank, LMS files, item analysis, shared rare wrong answers and identical
failing code, and report.html (see loop.py)."""
