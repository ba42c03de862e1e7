"""Phrase tables for the rule detectors, one module per family of labels."""
