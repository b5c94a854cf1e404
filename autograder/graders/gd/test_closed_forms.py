"""The graded tests of `gd`'s closed-form questions, made from assignment.toml."""
from autograder.generated import closed_form_tests

test_closed_form = closed_form_tests("gd")
