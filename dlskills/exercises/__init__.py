"""Instant checks for the notebooks' exercises: each returns a verdict a learner can read
("✓ ..." or "✗ ..." naming the first mismatch) instead of raising."""
