"""The instructor's loop after a batch is graded: answer groups, decisions, overrides, the late
policy, LMS files, item analysis, shared rare wrong answers and report.html (see loop.py)."""
