"""Checkers: small pure functions that compare a student's value with a reference."""
