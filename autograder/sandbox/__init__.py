"""Running untrusted student code: a child process per session, plain data back."""
