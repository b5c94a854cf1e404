"""Public form checks for `calculus` (0 points, always visible, also run by `check`)."""
from autograder.generated import form_test

test_form = form_test("calculus")
