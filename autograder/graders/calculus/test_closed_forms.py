"""The graded tests of `calculus`: every question is a closed form, made from assignment.toml."""
from autograder.generated import closed_form_tests

test_closed_form = closed_form_tests("calculus")
