"""Grading the write-up a student hands in (Markdown with ``$…$`` math): each closed-form
answer is located by the handout's part labels and the question's labels, read as answers.py
would give it, and graded by the same checker.  See :func:`.reading.read_writeup`."""
from .reading import Reading, Writeup, read_writeup

__all__ = ["Reading", "Writeup", "read_writeup"]
