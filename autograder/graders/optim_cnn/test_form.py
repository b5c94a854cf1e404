"""Public form checks for `optim_cnn` (0 points, always visible, also run by `check`)."""
from autograder.generated import form_test

test_form = form_test("optim_cnn")
