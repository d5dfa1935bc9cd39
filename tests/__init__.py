"""Tests of the dlskills package, notebooks and browser explorers."""
