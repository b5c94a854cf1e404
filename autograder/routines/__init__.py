"""Trusted driver routines run *inside* the sandbox on the student's code (and, in the grader,
on the reference).  Each module is self-contained (NumPy only) and holds no answers: its
source is sent to the child as text.  Every routine takes the module under test first."""
