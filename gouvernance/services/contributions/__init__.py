"""Fee schedules: reading them, comparing them on the register, exporting the comparison."""
