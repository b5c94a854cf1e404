"""The graded tests of `optim_cnn`'s closed forms, made from assignment.toml."""
from autograder.generated import closed_form_tests

test_closed_form = closed_form_tests("optim_cnn")
