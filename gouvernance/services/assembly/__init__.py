"""General assemblies: convening, the roll, attendance, ballots, tally, minutes."""
