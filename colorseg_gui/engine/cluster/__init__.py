"""What clusters: the colour histogram, assignment with cell pruning, seeding, Lloyd, polish."""
