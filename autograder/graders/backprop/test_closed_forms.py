"""The graded tests of `backprop`'s derivations (answers.py), made from assignment.toml."""
from autograder.generated import closed_form_tests

test_closed_form = closed_form_tests("backprop")
