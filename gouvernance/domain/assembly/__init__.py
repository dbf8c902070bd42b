"""The general assembly: roll, attendance and proxies, quorum, resolutions, ballots, tally."""
