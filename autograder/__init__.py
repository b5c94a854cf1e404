"""An autograder for machine-learning math homework: exact, fast, fair and safe grading."""
__version__ = "0.1.0"
